/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: what nouveau_gem.o's fault handler calls in place of
 * ttm_bo_vm_fault_reserved() and nouveau_bo_add_io_reserve_lru() (see
 * src/nouveau_fault.c).
 */
#ifndef NVLF_NOUVEAU_FAULT_H
#define NVLF_NOUVEAU_FAULT_H

#include <linux/mm_types.h>

struct ttm_buffer_object;
struct vm_fault;

vm_fault_t nvlf_nouveau_fault_reserved(struct vm_fault *vmf, pgprot_t prot,
				       pgoff_t num_prefault);
void nvlf_nouveau_lru_after_fault(struct ttm_buffer_object *bo);

#endif /* NVLF_NOUVEAU_FAULT_H */
