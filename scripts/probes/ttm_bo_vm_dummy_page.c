// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_VM_DUMMY_PAGE
 * tracks: 267d51d77fda "drm/ttm: Remap all page faults to per process
 *	dummy page." (v5.14): after a device is unplugged, ttm_bo_vm_fault()
 *	maps a dummy page, and ttm_bo_vm.c exports ttm_bo_vm_dummy_page().
 * lines: 6.1 6.12 7.2 7.3
 */
#include "ttm_bo_any.h"

void *nvlf_probe(void)
{
	return ttm_bo_vm_dummy_page;
}
