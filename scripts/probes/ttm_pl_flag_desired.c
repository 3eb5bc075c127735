// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_PL_FLAG_DESIRED
 * tracks: a78a8da51b36 "drm/ttm: replace busy placement with flags v6"
 *	(v6.9): struct ttm_placement lost busy_placement; a place says
 *	TTM_PL_FLAG_DESIRED or TTM_PL_FLAG_FALLBACK instead.  Used by the
 *	test driver (tests/kmod).
 * lines: 6.12 7.2 7.3
 */
#include <drm/ttm/ttm_placement.h>

void nvlf_probe(struct ttm_placement *pl, struct ttm_place *p)
{
	p->flags = TTM_PL_FLAG_DESIRED;
	pl->num_placement = 1;
	pl->placement = p;
}
