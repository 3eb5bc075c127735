// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_GET
 * tracks: the BO reference count moved to the GEM object (seen between
 *	v6.12 and v7.2; the commit is not identified here): ttm_bo_get() and
 *	ttm_bo_put() left <drm/ttm/ttm_bo.h> for TTM's private header, and
 *	ttm_bo_vm.c holds GEM references (drm_gem_object_get/put) for a VMA
 *	and for a fault that waits.  Defined where the old API still exists.
 * lines: 5.10 6.1 6.12
 */
#include "ttm_bo_any.h"

void nvlf_probe(struct ttm_buffer_object *bo)
{
	ttm_bo_get(bo);
	ttm_bo_put(bo);
}
