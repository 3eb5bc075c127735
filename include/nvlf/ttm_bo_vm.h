/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: what the two files replacing the target's ttm_bo_vm.c
 * share, src/ttm_fault.c (the fault path) and src/ttm_vma.c (mapping a BO:
 * mmap, the VMA operations, access).
 */
#ifndef NVLF_TTM_BO_VM_H
#define NVLF_TTM_BO_VM_H

#include "nvlf_compat.h"

/*
 * The headers below are the set the target kernel's ttm_bo_vm.c includes:
 * the CRCs of the exported symbols depend on which types are complete.
 */
#if defined(NVLF_HAVE_TTM_BO_H)
#include <linux/export.h>
#include <linux/pagemap.h>
#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_tt.h>
#elif defined(NVLF_HAVE_TTM_BO_VM_DUMMY_PAGE)
#include <linux/mem_encrypt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn_t.h>
#include <linux/rbtree.h>
#include <linux/uaccess.h>
#include <drm/drm_drv.h>
#include <drm/drm_managed.h>
#include <drm/drm_vma_manager.h>
#include <drm/ttm/ttm_bo_driver.h>
#include <drm/ttm/ttm_placement.h>
#else
/* before the dummy page (v5.14) brought drm_drv.h and drm_managed.h in */
#include <linux/mem_encrypt.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn_t.h>
#include <linux/rbtree.h>
#include <linux/uaccess.h>
#include <drm/drm_vma_manager.h>
#include <drm/ttm/ttm_bo_driver.h>
#include <drm/ttm/ttm_module.h>
#include <drm/ttm/ttm_placement.h>
#endif

#include <linux/percpu.h>
#include <nvlf/ttm_compat.h>

/* vm_access calls (src/ttm_vma.c), counted with the fault path's */
DECLARE_PER_CPU(unsigned long, nvlf_access);

/* The reference a VMA, or a fault that waits, holds on a BO. */
static inline void nvlf_bo_get(struct ttm_buffer_object *bo)
{
#ifdef NVLF_HAVE_TTM_BO_GET
	ttm_bo_get(bo);
#else
	drm_gem_object_get(&bo->base);
#endif
}

static inline void nvlf_bo_put(struct ttm_buffer_object *bo)
{
#ifdef NVLF_HAVE_TTM_BO_GET
	ttm_bo_put(bo);
#else
	drm_gem_object_put(&bo->base);
#endif
}

#endif /* NVLF_TTM_BO_VM_H */
