// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_ACCESS
 * tracks: ttm_bo_access() (v6.13 by our notes; absent in v6.12, present in
 *	v7.2): the BO copy behind ttm_bo_vm_access() became an export of its
 *	own, which drivers (xe) call without a VMA.  ttm_bo_vm.c exports
 *	it, so ttm_fault.c must too.
 * lines: 7.2 7.3
 */
#include "ttm_bo_any.h"

int nvlf_probe(struct ttm_buffer_object *bo, void *buf)
{
	return ttm_bo_access(bo, 0, buf, 1, 0);
}
