// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nouveau-lockfix: one call of nouveau's CPU fault handler, mended.
 *
 * nouveau_ttm_fault() (nouveau_gem.c) takes its BO off the io-reserve LRU,
 * lets TTM map it with ttm_bo_vm_fault_reserved(), and puts it back on
 * the LRU.  When TTM had to wait for the BO to go idle, it returns
 * VM_FAULT_RETRY having already dropped the reservation, mmap_lock and
 * the reference it took on the BO: from then on another thread may unmap
 * and close the BO, and it may be freed.  Putting it back on the LRU at
 * that moment writes to freed memory.  Upstream has this window; since
 * we rebuild nouveau.ko anyway, we close it: Kbuild points the two calls
 * in nouveau_gem.o at the functions below (scripts/nvlf-build checks that
 * the handler has the shape this assumes, else leaves it alone).
 *
 * Locking rule of this file: the BO goes back on the LRU only while the
 * fault still holds its reservation.  After a retry that dropped it, the
 * BO stays off the LRU until its next fault, which follows at once.
 */

#include "nvlf_compat.h"

#include "nouveau_drv.h"
#include "nouveau_bo.h"

#include <nvlf/nouveau_fault.h>

/**
 * nvlf_nouveau_fault_reserved - ttm_bo_vm_fault_reserved() for nouveau
 * @vmf: the fault, with the BO (vmf->vma->vm_private_data) reserved
 * @prot: page protection of the mapping
 * @num_prefault: pages to map ahead
 *
 * Calls TTM's function and then puts the BO back on nouveau's io-reserve
 * LRU, unless TTM returned VM_FAULT_RETRY after dropping the reservation
 * and its reference.  nouveau_ttm_fault() calls this in place of
 * ttm_bo_vm_fault_reserved().
 *
 * Return: what ttm_bo_vm_fault_reserved() returned.
 */
vm_fault_t nvlf_nouveau_fault_reserved(struct vm_fault *vmf, pgprot_t prot,
				       pgoff_t num_prefault)
{
	struct ttm_buffer_object *bo = vmf->vma->vm_private_data;
	vm_fault_t ret;

	ret = ttm_bo_vm_fault_reserved(vmf, prot, num_prefault);
	if (ret != VM_FAULT_RETRY || (vmf->flags & FAULT_FLAG_RETRY_NOWAIT))
		nouveau_bo_add_io_reserve_lru(bo);
	return ret;
}

/**
 * nvlf_nouveau_lru_after_fault - nothing: the LRU was already updated
 * @bo: the BO of the fault, possibly freed by now
 *
 * nouveau_ttm_fault() calls this in place of
 * nouveau_bo_add_io_reserve_lru(), right after
 * nvlf_nouveau_fault_reserved(), which did that while it was safe.
 */
void nvlf_nouveau_lru_after_fault(struct ttm_buffer_object *bo)
{
}
