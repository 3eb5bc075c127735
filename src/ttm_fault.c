// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nouveau-lockfix: the mmap and page-fault path of TTM buffer objects.
 *
 * This file replaces the target kernel's ttm_bo_vm.c in ttm.ko.  It
 * provides the same exported interface (the default vm_operations_struct,
 * ttm_bo_mmap_obj() and the helpers drivers build their own fault handlers
 * on), with the same prototypes, so that the symbol CRCs do not change.
 *
 * Locking rule of this file
 * -------------------------
 * The core MM calls .fault with mmap_lock held (per-VMA locked faults are
 * bounced to mmap_lock for VMAs without ->map_pages, which is what TTM's
 * are).  mmap_lock is the outer lock and a BO reservation the inner one:
 * dma_resv_lockdep() teaches lockdep exactly that order.  A task that holds
 * a reservation and touches user memory may therefore wait for mmap_lock;
 * if we waited for its reservation while holding mmap_lock, we would
 * deadlock with it (or with ourselves, if that task is us).
 *
 * So a fault never sleeps on a reservation, nor on the fences of a
 * pipelined move, while it holds mmap_lock on an attempt that may still be
 * retried.  It trylocks; when the reservation is busy it keeps the BO alive
 * with a reference, releases mmap_lock, waits interruptibly until the
 * holder lets go (taking and at once dropping the reservation), and
 * returns VM_FAULT_RETRY: the core MM takes mmap_lock again and repeats
 * the fault with FAULT_FLAG_TRIED.  With FAULT_FLAG_RETRY_NOWAIT it returns
 * VM_FAULT_RETRY without sleeping and without releasing anything.
 *
 * Only an attempt that cannot be retried (FAULT_FLAG_TRIED, or a fault the
 * core MM does not allow to retry at all) blocks on the reservation, and
 * then interruptibly, in the mmap_lock -> reservation order.  Blocking
 * there also keeps the faulting task from being starved by a holder that
 * reserves again and again: the retried attempt queues on the lock.
 *
 * The vm access path (ptrace, /proc/PID/mem) has no way to retry; it
 * reserves interruptibly under the caller's mmap_lock, in the same order.
 * Where the target exports ttm_bo_access(), drivers also call that path
 * without mmap_lock; it reserves with no ticket, so its caller must not
 * hold the BO's reservation.
 *
 * A VMA and a fault that waits hold a reference to the BO: its own
 * (ttm_bo_get()) where the target has one, else its GEM object's.
 *
 * One exception, where the target still has it (5.10): the driver's
 * fault_reserve_notify() runs with mmap_lock and the reservation held on
 * any attempt, as the target's own TTM calls it, and it cannot be told
 * not to block.  nouveau's may move the BO there and wait for the GPU;
 * it only trylocks other reservations (no ww ticket), so it cannot
 * deadlock on one.
 */

#define pr_fmt(fmt) "[TTM] " fmt

#include <nvlf/ttm_bo_vm.h>
#include <nvlf/module_wrap.h>
#include <nvlf/stats.h>
#include "nvlf_build.h"

static DEFINE_PER_CPU(unsigned long, nvlf_faults);
static DEFINE_PER_CPU(unsigned long, nvlf_busy_retry);
static DEFINE_PER_CPU(unsigned long, nvlf_busy_nowait);
static DEFINE_PER_CPU(unsigned long, nvlf_busy_block);
static DEFINE_PER_CPU(unsigned long, nvlf_move_retry);
static DEFINE_PER_CPU(unsigned long, nvlf_move_nowait);
static DEFINE_PER_CPU(unsigned long, nvlf_move_block);
DEFINE_PER_CPU(unsigned long, nvlf_access);
static DEFINE_PER_CPU(unsigned long, nvlf_dummy);

static const struct nvlf_stat nvlf_ttm_stats[] = {
	{ "faults", &nvlf_faults },
	{ "reserve_busy_retry", &nvlf_busy_retry },
	{ "reserve_busy_nowait", &nvlf_busy_nowait },
	{ "reserve_busy_block", &nvlf_busy_block },
	{ "move_wait_retry", &nvlf_move_retry },
	{ "move_wait_nowait", &nvlf_move_nowait },
	{ "move_wait_block", &nvlf_move_block },
	{ "vm_access", &nvlf_access },
	{ "dummy_page", &nvlf_dummy },
	{ }
};

#ifdef NVLF_NAIVE_MODE
/*
 * Test builds only (the lockdep test kernel): the pre-fix fault path, which
 * sleeps on the reservation with mmap_lock held, so that tests can show
 * they catch it.  Never compiled into the ttm.ko this package installs.
 */
static bool nvlf_naive_fault;
module_param(nvlf_naive_fault, bool, 0644);
MODULE_PARM_DESC(nvlf_naive_fault, "Test build only: first fault attempts block with mmap_lock held (pre-fix)");
static bool nvlf_naive_populate;
module_param(nvlf_naive_populate, bool, 0644);
MODULE_PARM_DESC(nvlf_naive_populate, "Test build only: a failed populate under a fault is VM_FAULT_OOM (6.1's answer, retried for ever)");
MODULE_INFO(nvlf_test_build, "naive modes compiled in");
#endif

/* Whether this attempt may give mmap_lock back and be retried. */
static bool nvlf_may_back_off(const struct vm_fault *vmf)
{
#ifdef NVLF_NAIVE_MODE
	if (READ_ONCE(nvlf_naive_fault))
		return false;
#endif
	return fault_flag_allow_retry_first(vmf->flags);
}

/* What a fault that backs off waits for, with no lock held. */
enum nvlf_wait_for {
	NVLF_WAIT_UNRESERVED,	/* the reservation's holder to let go */
	NVLF_WAIT_MOVED,	/* the fences of a pipelined move */
};

/*
 * nvlf_back_off - release mmap_lock, wait with no lock held, ask for a retry
 *
 * Called on a first attempt that may be retried, with mmap_lock held and
 * without the reservation.  The reference keeps @bo alive once mmap_lock
 * no longer pins the VMA.  Signals end the wait early; the retried fault
 * sees them.  @moving: where the move fence is bo->moving, a reference to
 * it taken under the reservation (put here), else NULL.
 */
static vm_fault_t nvlf_back_off(struct ttm_buffer_object *bo,
				struct vm_fault *vmf, enum nvlf_wait_for what,
				struct dma_fence *moving)
{
	struct dma_resv *resv = bo->base.resv;

	if (vmf->flags & FAULT_FLAG_RETRY_NOWAIT) {
		dma_fence_put(moving);
		if (what == NVLF_WAIT_MOVED)
			nvlf_count(nvlf_move_nowait);
		else
			nvlf_count(nvlf_busy_nowait);
		return VM_FAULT_RETRY;
	}

	nvlf_bo_get(bo);
	mmap_read_unlock(vmf->vma->vm_mm);

	if (what == NVLF_WAIT_UNRESERVED) {
		nvlf_count(nvlf_busy_retry);
		if (dma_resv_lock_interruptible(resv, NULL) == 0)
			dma_resv_unlock(resv);
	} else {
		nvlf_count(nvlf_move_retry);
		if (moving)
			dma_fence_wait(moving, true);
		else
			nvlf_resv_wait(resv, false, true, MAX_SCHEDULE_TIMEOUT);
		dma_fence_put(moving);
	}

	nvlf_bo_put(bo);
	return VM_FAULT_RETRY;
}

/**
 * ttm_bo_vm_reserve - reserve a buffer object for a fault handler
 * @bo: the buffer object the faulting VMA maps
 * @vmf: the fault
 *
 * For drivers' own .fault and .page_mkwrite handlers.  On a first attempt
 * that may be retried this never sleeps with mmap_lock held: when @bo is
 * reserved by someone else it releases mmap_lock, waits for the holder and
 * asks for a retry (see the locking rule at the top of this file).
 *
 * Return: 0 with @bo reserved; VM_FAULT_RETRY with mmap_lock released
 * (unless FAULT_FLAG_RETRY_NOWAIT, then with nothing released);
 * VM_FAULT_NOPAGE when a signal interrupted a blocking wait;
 * VM_FAULT_SIGBUS for imported pages that may not be mapped.
 */
vm_fault_t ttm_bo_vm_reserve(struct ttm_buffer_object *bo,
			     struct vm_fault *vmf)
{
	struct ttm_tt *tt;

	if (!dma_resv_trylock(bo->base.resv)) {
		if (nvlf_may_back_off(vmf))
			return nvlf_back_off(bo, vmf, NVLF_WAIT_UNRESERVED, NULL);

		/* A retried attempt: mmap_lock -> reservation is the order. */
		nvlf_count(nvlf_busy_block);
		if (dma_resv_lock_interruptible(bo->base.resv, NULL))
			return VM_FAULT_NOPAGE;
	}

	/*
	 * Pages imported from another device are mapped through their
	 * exporter, unless the importer declared them mappable.  (Before
	 * TTM_TT_FLAG_EXTERNAL, ttm_bo_vm_fault_reserved() refuses them.)
	 */
	tt = bo->ttm;
#ifdef NVLF_HAVE_TTM_TT_FLAG_EXTERNAL
	if (tt && (tt->page_flags & TTM_TT_FLAG_EXTERNAL) &&
	    !(tt->page_flags & TTM_TT_FLAG_EXTERNAL_MAPPABLE)) {
		dma_resv_unlock(bo->base.resv);
		return VM_FAULT_SIGBUS;
	}
#endif
	return 0;
}
EXPORT_SYMBOL(ttm_bo_vm_reserve);

/*
 * nvlf_wait_moved - wait for a pipelined move of a reserved BO to finish
 *
 * Same rule as for the reservation.  On a first attempt that may retry we
 * drop the reservation too, so that VM_FAULT_RETRY leaves nothing held
 * (the contract ttm_bo_vm_fault_reserved() callers rely on); with
 * FAULT_FLAG_RETRY_NOWAIT the reservation stays with the caller.
 */
static vm_fault_t nvlf_wait_moved(struct ttm_buffer_object *bo,
				  struct vm_fault *vmf)
{
	struct dma_fence *moving = NULL;
	long err;

#ifdef NVLF_HAVE_TTM_BO_MOVING
	/* the move's fence is bo->moving, protected by the reservation */
	if (!bo->moving || dma_fence_is_signaled(bo->moving))
		return 0;
	moving = dma_fence_get(bo->moving);
#else
	if (nvlf_resv_idle(bo->base.resv))
		return 0;
#endif

	if (nvlf_may_back_off(vmf)) {
		if (!(vmf->flags & FAULT_FLAG_RETRY_NOWAIT))
			dma_resv_unlock(bo->base.resv);
		return nvlf_back_off(bo, vmf, NVLF_WAIT_MOVED, moving);
	}

	nvlf_count(nvlf_move_block);
	if (moving) {
		err = dma_fence_wait(moving, true);
		dma_fence_put(moving);
	} else {
		err = nvlf_resv_wait(bo->base.resv, false, true,
				     MAX_SCHEDULE_TIMEOUT);
	}
	if (err == -ERESTARTSYS)
		return VM_FAULT_NOPAGE;
	return err < 0 ? VM_FAULT_SIGBUS : 0;
}

/* Page frame of page @idx of a BO whose resource is in I/O memory. */
static unsigned long nvlf_io_pfn(struct ttm_buffer_object *bo,
				 unsigned long idx)
{
	if (nvlf_bdev_funcs(bo->bdev)->io_mem_pfn)
		return nvlf_bdev_funcs(bo->bdev)->io_mem_pfn(bo, idx);
	return PHYS_PFN(nvlf_bo_res(bo)->bus.offset) + idx;
}

/*
 * Make sure the system pages of @bo exist; 0 or a vm_fault_t error.
 *
 * One behaviour on every target, chosen on purpose: that of the 6.12 and
 * later targets' ttm_bo_vm.c.  The allocation may be interrupted, and the
 * access then simply faults again; any failure, -ENOMEM included, is
 * SIGBUS for the faulting task.  6.1's own code waited uninterruptibly
 * and answered every failure with VM_FAULT_OOM, which the page-fault
 * handler does not make an error for the task (pagefault_out_of_memory()
 * in mm/oom_kill.c): the access faults again, for as long as the
 * allocation keeps failing.  Where TTM still accounts its memory, a fault
 * allocates past the accounting's lower limit, as the target's own fault
 * path does (probe ttm_opt_flag_force_alloc.c).
 */
static vm_fault_t nvlf_populate(struct ttm_buffer_object *bo)
{
	struct ttm_operation_ctx ctx = {
		.interruptible = true,
#ifdef NVLF_HAVE_TTM_OPT_FLAG_FORCE_ALLOC
		.flags = TTM_OPT_FLAG_FORCE_ALLOC,
#endif
	};
	int err;

	if (!bo->ttm)
		return VM_FAULT_SIGBUS;	/* system memory without pages */
#ifdef NVLF_HAVE_TTM_BO_POPULATE
	err = ttm_bo_populate(bo, &ctx);
#else
	err = ttm_tt_populate(bo->bdev, bo->ttm, &ctx);
#endif
#ifdef NVLF_NAIVE_MODE
	if (err && READ_ONCE(nvlf_naive_populate))
		return VM_FAULT_OOM;
#endif
	switch (err) {
	case 0:
		return 0;
	case -EINTR:
	case -ERESTARTSYS:
	case -EAGAIN:
		return VM_FAULT_NOPAGE;	/* the access faults again */
	default:
		pr_debug("populating a BO for a fault failed: %pe\n",
			 ERR_PTR(err));
		return VM_FAULT_SIGBUS;
	}
}

#ifdef NVLF_HAVE_TTM_FAULT_RESERVE_NOTIFY
#ifndef NVLF_HAVE_TTM_BO_MOVING
#error "fault_reserve_notify() without bo->moving: a TTM no probe has seen"
#endif
/*
 * The driver's step before a BO is mapped, where TTM still calls it
 * (nouveau moves a VRAM BO into the CPU-visible window there).  With the
 * BO reserved; 0 or a vm_fault_t answer for the fault.
 */
static vm_fault_t nvlf_reserve_notify(struct ttm_buffer_object *bo)
{
	struct dma_fence *moving;
	int err;

	if (!bo->bdev->driver->fault_reserve_notify)
		return 0;
	moving = dma_fence_get(bo->moving);
	err = bo->bdev->driver->fault_reserve_notify(bo);
	/* a BO the driver moved goes to the end of its LRU, as TTM did */
	if (!err && bo->moving != moving)
		ttm_bo_move_to_lru_tail_unlocked(bo);
	dma_fence_put(moving);
	if (err == -EBUSY || err == -ERESTARTSYS)
		return VM_FAULT_NOPAGE;
	return err ? VM_FAULT_SIGBUS : 0;
}
#endif

/* Map page @pfn at @addr; MIXEDMAP mappings of system pages get ->index. */
static vm_fault_t nvlf_insert(struct vm_fault *vmf, unsigned long addr,
			      unsigned long pfn, pgprot_t prot)
{
#ifdef NVLF_HAVE_TTM_BO_MMAP
	if (vmf->vma->vm_flags & VM_MIXEDMAP)
		return vmf_insert_mixed_prot(vmf->vma, addr,
					     __pfn_to_pfn_t(pfn, PFN_DEV), prot);
#endif
	return vmf_insert_pfn_prot(vmf->vma, addr, pfn, prot);
}

/* ttm_bo_vm_fault_reserved() of every line; see its kernel-doc. */
static vm_fault_t nvlf_fault_reserved(struct vm_fault *vmf, pgprot_t prot,
				      pgoff_t num_prefault)
{
	struct vm_area_struct *vma = vmf->vma;
	struct ttm_buffer_object *bo = vma->vm_private_data;
	unsigned long base = drm_vma_node_start(&bo->base.vma_node);
	unsigned long idx = vmf->pgoff - base;
	unsigned long end = vma->vm_pgoff + vma_pages(vma) - base;
	unsigned long addr = vmf->address;
	struct ttm_resource *res;
	vm_fault_t ret;
	bool iomem;
	pgoff_t n;

	nvlf_count(nvlf_faults);
#ifndef NVLF_HAVE_TTM_TT_FLAG_EXTERNAL
	/* imported pages are mapped through their exporter */
	if (bo->ttm && (bo->ttm->page_flags & TTM_PAGE_FLAG_SG))
		return VM_FAULT_SIGBUS;
#endif
#ifdef NVLF_HAVE_TTM_FAULT_RESERVE_NOTIFY
	ret = nvlf_reserve_notify(bo);
	if (ret)
		return ret;
#endif
	ret = nvlf_wait_moved(bo, vmf);
	if (ret)
		return ret;

	res = nvlf_bo_res(bo);
	if (ttm_mem_io_reserve(bo->bdev, res))
		return VM_FAULT_SIGBUS;
	if (idx >= nvlf_bo_pages(bo))
		return VM_FAULT_SIGBUS;
	end = min_t(unsigned long, end, nvlf_bo_pages(bo));

	/* Caching may differ from vm_page_prot: the BO can move under a VMA. */
#ifdef NVLF_HAVE_TTM_IO_PROT_RES
	prot = ttm_io_prot(bo, res, prot);
#else
	prot = ttm_io_prot(res->placement, prot);
#endif
	iomem = res->bus.is_iomem;
	if (iomem) {
		prot = pgprot_decrypted(prot);
	} else {
		ret = nvlf_populate(bo);
		if (ret)
			return ret;
	}

	for (n = 0; n < num_prefault && idx < end; n++, idx++) {
		unsigned long pfn;

		if (iomem) {
			pfn = nvlf_io_pfn(bo, idx);
		} else {
			struct page *page = bo->ttm->pages[idx];

			if (!page)
				return n ? VM_FAULT_NOPAGE : VM_FAULT_OOM;
#ifdef NVLF_HAVE_TTM_BO_MMAP
			page->index = base + idx;
#endif
			pfn = page_to_pfn(page);
		}

		ret = nvlf_insert(vmf, addr, pfn, prot);
		if (ret & VM_FAULT_ERROR)
			return VM_FAULT_NOPAGE;	/* retried by the access */
		addr += PAGE_SIZE;
	}
	return VM_FAULT_NOPAGE;
}

#ifdef NVLF_HAVE_TTM_FAULT_PAGE_SIZE
/**
 * ttm_bo_vm_fault_reserved - map the pages of a reserved BO into a VMA
 * @vmf: the fault; vmf->vma->vm_private_data is the buffer object
 * @prot: page protection for the new entries
 * @num_prefault: how many pages from the faulting one on to map at once
 * @fault_page_size: pages of a huge fault (PMD or PUD), else 1
 *
 * The caller holds the reservation of the BO (ttm_bo_vm_reserve()).  A
 * huge fault is answered VM_FAULT_FALLBACK: the core MM then faults the
 * range in with pages of the base size.  Otherwise the driver's
 * fault_reserve_notify() runs first, then a pipelined move still in
 * flight is waited for under the rule at the top of this file.
 *
 * Return: VM_FAULT_FALLBACK for a huge fault; VM_FAULT_NOPAGE on success
 * or when a signal is pending; VM_FAULT_RETRY after a wait without locks,
 * with the reservation and mmap_lock released (with
 * FAULT_FLAG_RETRY_NOWAIT: nothing released); VM_FAULT_SIGBUS or
 * VM_FAULT_OOM on failure.
 */
vm_fault_t ttm_bo_vm_fault_reserved(struct vm_fault *vmf, pgprot_t prot,
				    pgoff_t num_prefault,
				    pgoff_t fault_page_size)
{
	if (fault_page_size != 1)
		return VM_FAULT_FALLBACK;
	return nvlf_fault_reserved(vmf, prot, num_prefault);
}
#else
/**
 * ttm_bo_vm_fault_reserved - map the pages of a reserved BO into a VMA
 * @vmf: the fault; vmf->vma->vm_private_data is the buffer object
 * @prot: page protection for the new entries
 * @num_prefault: how many pages from the faulting one on to map at once
 *
 * The caller holds the reservation of the BO (ttm_bo_vm_reserve()).  A
 * pipelined move still in flight is waited for under the rule at the top
 * of this file.  Only the faulting page is required; failures on the
 * pages mapped ahead of it are ignored.
 *
 * Return: VM_FAULT_NOPAGE on success or when a signal is pending;
 * VM_FAULT_RETRY after a wait without locks, with the reservation and
 * mmap_lock released (with FAULT_FLAG_RETRY_NOWAIT: nothing released);
 * VM_FAULT_SIGBUS or VM_FAULT_OOM on failure.
 */
vm_fault_t ttm_bo_vm_fault_reserved(struct vm_fault *vmf,
				    pgprot_t prot,
				    pgoff_t num_prefault)
{
	return nvlf_fault_reserved(vmf, prot, num_prefault);
}
#endif
EXPORT_SYMBOL(ttm_bo_vm_fault_reserved);

#ifdef NVLF_HAVE_TTM_BO_VM_DUMMY_PAGE
static void nvlf_free_dummy_page(struct drm_device *dev, void *page)
{
	__free_page(page);
}

/**
 * ttm_bo_vm_dummy_page - back a VMA of an unplugged device with a zero page
 * @vmf: the fault
 * @prot: page protection for the new entries
 *
 * After the device is gone, every page of the VMA maps one zeroed page,
 * freed when the DRM device is released.
 *
 * Return: VM_FAULT_NOPAGE, or VM_FAULT_OOM.
 */
vm_fault_t ttm_bo_vm_dummy_page(struct vm_fault *vmf, pgprot_t prot)
{
	struct vm_area_struct *vma = vmf->vma;
	struct ttm_buffer_object *bo = vma->vm_private_data;
	vm_fault_t ret = VM_FAULT_NOPAGE;
	struct page *zero;
	unsigned long addr;

	nvlf_count(nvlf_dummy);
	zero = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!zero)
		return VM_FAULT_OOM;
	if (drmm_add_action_or_reset(bo->base.dev, nvlf_free_dummy_page, zero))
		return VM_FAULT_OOM;

	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE)
		ret = vmf_insert_pfn_prot(vma, addr, page_to_pfn(zero), prot);
	return ret;
}
EXPORT_SYMBOL(ttm_bo_vm_dummy_page);
#endif

/**
 * ttm_bo_vm_fault - the .fault handler of TTM's default vm_ops
 * @vmf: the fault
 *
 * Reserve (ttm_bo_vm_reserve()), map (ttm_bo_vm_fault_reserved()) or, once
 * the device is unplugged, map a dummy page (where the target has one);
 * then unreserve.
 *
 * Return: a vm_fault_t code as ttm_bo_vm_fault_reserved() documents.
 */
vm_fault_t ttm_bo_vm_fault(struct vm_fault *vmf)
{
	struct ttm_buffer_object *bo = vmf->vma->vm_private_data;
	vm_fault_t ret;
#ifdef NVLF_HAVE_TTM_BO_VM_DUMMY_PAGE
	int idx;
#endif

	ret = ttm_bo_vm_reserve(bo, vmf);
	if (ret)
		return ret;

#ifdef NVLF_HAVE_TTM_BO_VM_DUMMY_PAGE
	if (drm_dev_enter(bo->base.dev, &idx)) {
		ret = nvlf_fault_reserved(vmf, vmf->vma->vm_page_prot,
					  TTM_BO_VM_NUM_PREFAULT);
		drm_dev_exit(idx);
	} else {
		ret = ttm_bo_vm_dummy_page(vmf, vmf->vma->vm_page_prot);
	}
#else
	ret = nvlf_fault_reserved(vmf, vmf->vma->vm_page_prot,
				  TTM_BO_VM_NUM_PREFAULT);
#endif

	/*
	 * Only a retry that waited (not RETRY_NOWAIT) has let go of the
	 * reservation already; every other outcome still holds it.
	 */
	if (ret != VM_FAULT_RETRY || (vmf->flags & FAULT_FLAG_RETRY_NOWAIT))
		dma_resv_unlock(bo->base.resv);
	return ret;
}
EXPORT_SYMBOL(ttm_bo_vm_fault);

/*
 * ttm.ko's init and exit are ours; where the target's TTM has its own
 * (NVLF_WRAP_TTM_INIT, nvlf/module_wrap.h), ours wrap it.
 */
static struct dentry *nvlf_ttm_debugfs;

static int __init nvlf_ttm_init(void)
{
#ifdef NVLF_WRAP_TTM_INIT
	int ret = nvlf_upstream_ttm_init_module();

	if (ret)
		return ret;
#endif
	nvlf_ttm_debugfs = nvlf_stats_create("nvlf_ttm", nvlf_ttm_stats);
	return 0;
}

static void __exit nvlf_ttm_exit(void)
{
	nvlf_stats_remove(nvlf_ttm_debugfs);
#ifdef NVLF_WRAP_TTM_INIT
	nvlf_upstream_ttm_cleanup_module();
#endif
}

module_init(nvlf_ttm_init);
module_exit(nvlf_ttm_exit);
MODULE_VERSION(NVLF_VERSION);
MODULE_INFO(nvlf_upstream, NVLF_UPSTREAM);
