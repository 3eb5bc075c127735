// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_FAULT_PAGE_SIZE
 * tracks: 0d979509539e "drm/ttm: remove ttm_bo_vm_insert_huge()" (after
 *	v5.10; the release is not checked here): ttm_bo_vm_fault_reserved()
 *	lost its fault_page_size argument, which huge-page faults (vmwgfx's
 *	.huge_fault) passed.  Defined where the argument still exists.
 * lines: 5.10
 */
#include "ttm_bo_any.h"

vm_fault_t nvlf_probe(struct vm_fault *vmf)
{
	return ttm_bo_vm_fault_reserved(vmf, vmf->vma->vm_page_prot, 1, 1);
}
