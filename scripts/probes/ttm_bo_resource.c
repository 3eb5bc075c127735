// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_RESOURCE
 * tracks: d3116756a710 "drm/ttm: rename bo->mem and make it a pointer"
 *	(v5.14): a BO's placement is bo->resource, a pointer; before, it was
 *	bo->mem, embedded in the BO.
 * lines: 6.1 6.12 7.2 7.3
 */
#include "ttm_bo_any.h"

unsigned int nvlf_probe(struct ttm_buffer_object *bo)
{
	return bo->resource->mem_type;
}
