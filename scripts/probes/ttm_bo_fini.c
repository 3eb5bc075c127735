// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_FINI
 * tracks: the same change as ttm_bo_get.c, seen from a driver: a GEM
 *	object's .free ends its BO with the exported ttm_bo_fini() instead
 *	of ttm_bo_put().  Used by the test driver (tests/kmod).
 * lines: 7.2 7.3
 */
#include "ttm_bo_any.h"

void nvlf_probe(struct ttm_buffer_object *bo)
{
	ttm_bo_fini(bo);
}
