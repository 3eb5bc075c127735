// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_H
 * tracks: a3185f91d057 "drm/ttm: merge ttm_bo_api.h and ttm_bo_driver.h v2"
 *	(v6.3): the TTM BO interface moved to <drm/ttm/ttm_bo.h>.  Selects
 *	the header set of the target's ttm_bo_vm.c, on which the CRCs of
 *	ttm_fault.c's exports depend.
 * lines: 6.12 7.2 7.3
 */
#include <drm/ttm/ttm_bo.h>

vm_fault_t nvlf_probe(struct ttm_buffer_object *bo, struct vm_fault *vmf)
{
	return ttm_bo_vm_reserve(bo, vmf);
}
