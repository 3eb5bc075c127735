// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_TT_FLAG_EXTERNAL
 * tracks: 43d46f0b78bb "drm/ttm: s/FLAG_SG/FLAG_EXTERNAL/" and
 *	49e7f76fc514 "drm/ttm: add TTM_TT_FLAG_EXTERNAL_MAPPABLE" (v5.16):
 *	pages imported from another device are TTM_TT_FLAG_EXTERNAL, which a
 *	fault refuses unless they are also _MAPPABLE; before, they were
 *	TTM_PAGE_FLAG_SG, always refused.
 * lines: 6.1 6.12 7.2 7.3
 */
#include <drm/ttm/ttm_tt.h>

unsigned int nvlf_probe(void)
{
	return TTM_TT_FLAG_EXTERNAL | TTM_TT_FLAG_EXTERNAL_MAPPABLE;
}
