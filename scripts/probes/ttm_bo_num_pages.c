// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_NUM_PAGES
 * tracks: e11bfb99d6ec "drm/ttm: cleanup BO size handling v3" (after
 *	v5.10; the release is not checked here): the size of a BO is
 *	bo->base.size; before, bo->num_pages, and bo->base.size was set only
 *	for BOs embedded in a GEM object (vmwgfx's were not).  Defined where
 *	bo->num_pages still exists.
 * lines: 5.10
 */
#include "ttm_bo_any.h"

unsigned long nvlf_probe(struct ttm_buffer_object *bo)
{
	return bo->num_pages;
}
