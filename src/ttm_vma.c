// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nouveau-lockfix: mapping a TTM buffer object, the half of the target's
 * ttm_bo_vm.c that is not the fault path (src/ttm_fault.c): mmap setup,
 * the VMA's open and close, and access by ptrace and /proc/PID/mem.
 *
 * Locking rule of this file: the access path cannot retry; it reserves the
 * BO interruptibly, under the caller's mmap_lock when it has one, in the
 * mmap_lock -> reservation order of src/ttm_fault.c.  Nothing else here
 * takes a lock.
 */

#define pr_fmt(fmt) "[TTM] " fmt

#include <nvlf/ttm_bo_vm.h>
#include <nvlf/stats.h>

/**
 * ttm_bo_vm_open - .open of TTM's vm_ops: a VMA copy holds a BO reference
 * @vma: the new VMA (split or forked)
 */
void ttm_bo_vm_open(struct vm_area_struct *vma)
{
	struct ttm_buffer_object *mapped = vma->vm_private_data;

	/* a copy still maps the device's address space, or rmap breaks */
	WARN_ON(vma->vm_file->f_mapping != mapped->bdev->dev_mapping);
	nvlf_bo_get(mapped);
}
EXPORT_SYMBOL(ttm_bo_vm_open);

/**
 * ttm_bo_vm_close - .close of TTM's vm_ops: drop the VMA's BO reference
 * @vma: the VMA going away
 */
void ttm_bo_vm_close(struct vm_area_struct *vma)
{
	struct ttm_buffer_object *mapped = vma->vm_private_data;

	vma->vm_private_data = NULL;
	nvlf_bo_put(mapped);
}
EXPORT_SYMBOL(ttm_bo_vm_close);

/* Copy between @buf and system pages of a reserved BO, one page at a time. */
static int nvlf_access_pages(struct ttm_buffer_object *bo, unsigned long off,
			     u8 *buf, int len, bool write)
{
	int done = 0;

	while (done < len) {
		unsigned long pg = off >> PAGE_SHIFT;
		unsigned long in = offset_in_page(off);
		int n = min_t(unsigned long, len - done, PAGE_SIZE - in);
		struct ttm_bo_kmap_obj map;
		bool is_iomem;
		u8 *p;
		int err;

		err = ttm_bo_kmap(bo, pg, 1, &map);
		if (err)
			return err;
		p = (u8 *)ttm_kmap_obj_virtual(&map, &is_iomem) + in;
		WARN_ON_ONCE(is_iomem);
		if (write)
			memcpy(p, buf + done, n);
		else
			memcpy(buf + done, p, n);
		ttm_bo_kunmap(&map);

		done += n;
		off += n;
	}
	return len;
}

/*
 * nvlf_bo_access - copy between @buf and a BO, reserving it for the copy
 *
 * Interruptible, with no ticket: the caller must not hold the reservation.
 * Returns @len or a negative error code.
 */
static int nvlf_bo_access(struct ttm_buffer_object *bo, unsigned long off,
			  void *buf, int len, int write)
{
	int ret;

	if (len < 1 || off + len > nvlf_bo_pages(bo) << PAGE_SHIFT)
		return -EIO;

	nvlf_count(nvlf_access);
	ret = dma_resv_lock_interruptible(bo->base.resv, NULL);
	if (ret)
		return ret == -EINTR ? -ERESTARTSYS : ret;

	if (!nvlf_bo_res(bo)) {
		ret = -ENODATA;
	} else if (nvlf_bo_res(bo)->mem_type == TTM_PL_SYSTEM ||
		   nvlf_bo_res(bo)->mem_type == TTM_PL_TT) {
		ret = nvlf_access_pages(bo, off, buf, len, write);
	} else if (nvlf_bdev_funcs(bo->bdev)->access_memory) {
		ret = nvlf_bdev_funcs(bo->bdev)->access_memory(bo, off, buf,
							       len, write);
	} else {
		ret = -EIO;
	}

	dma_resv_unlock(bo->base.resv);
	return ret;
}

#ifdef NVLF_HAVE_TTM_BO_ACCESS
/**
 * ttm_bo_access - copy to or from a buffer object, by offset
 * @bo: the buffer object; its reservation must not be held by the caller
 * @offset: byte offset in the BO
 * @buf: kernel buffer
 * @len: bytes to copy
 * @write: copy from @buf into the BO instead of out of it
 *
 * For debuggers and drivers' own inspection, not for user space.  The
 * reservation is taken interruptibly; the caller may or may not hold
 * mmap_lock (see the locking rule at the top of this file).
 *
 * Return: @len, or a negative error code (-EIO for a range outside the BO
 * or memory that cannot be accessed, -ENODATA for a BO without backing).
 */
int ttm_bo_access(struct ttm_buffer_object *bo, unsigned long offset,
		  void *buf, int len, int write)
{
	return nvlf_bo_access(bo, offset, buf, len, write);
}
EXPORT_SYMBOL(ttm_bo_access);
#endif

/**
 * ttm_bo_vm_access - .access of TTM's vm_ops (ptrace, /proc/PID/mem)
 * @vma: the VMA
 * @addr: user address of the first byte
 * @buf: kernel buffer
 * @len: bytes to copy
 * @write: copy from @buf into the BO instead of out of it
 *
 * The caller holds mmap_lock and cannot retry, so the reservation is taken
 * interruptibly in the mmap_lock -> reservation order.
 *
 * Return: @len, or a negative error code.
 */
int ttm_bo_vm_access(struct vm_area_struct *vma, unsigned long addr,
		     void *buf, int len, int write)
{
	struct ttm_buffer_object *bo = vma->vm_private_data;
	unsigned long off = addr - vma->vm_start +
		((vma->vm_pgoff - drm_vma_node_start(&bo->base.vma_node)) <<
		 PAGE_SHIFT);

	return nvlf_bo_access(bo, off, buf, len, write);
}
EXPORT_SYMBOL(ttm_bo_vm_access);

static const struct vm_operations_struct nvlf_ttm_vm_ops = {
	.fault = ttm_bo_vm_fault,
	.open = ttm_bo_vm_open,
	.close = ttm_bo_vm_close,
	.access = ttm_bo_vm_access,
};

#ifdef NVLF_HAVE_TTM_BO_MMAP
/*
 * The VMA setup of the targets that still have ttm_bo_mmap(): TTM's
 * vm_ops, VM_MIXEDMAP (nvlf_insert()), copy-on-write mappings allowed.
 * The VMA takes over the caller's reference to @bo.
 */
static void nvlf_vma_setup(struct vm_area_struct *vma,
			   struct ttm_buffer_object *bo)
{
	vma->vm_private_data = bo;
	vma->vm_ops = &nvlf_ttm_vm_ops;
	vma->vm_flags |= VM_MIXEDMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP;
}

/**
 * ttm_bo_mmap - mmap a buffer object of @bdev by the VMA's offset
 * @filp: the file being mmapped, for the driver's verify_access()
 * @vma: the VMA; vma->vm_pgoff is the BO's fake offset
 * @bdev: the TTM device whose offset manager holds the BO
 *
 * Return: 0; -EINVAL when no BO is at that offset; -EPERM when the driver
 * has no verify_access(), or what it returns.
 */
int ttm_bo_mmap(struct file *filp, struct vm_area_struct *vma,
		struct ttm_bo_device *bdev)
{
	struct drm_vma_offset_node *node;
	struct ttm_buffer_object *bo = NULL;
	int ret;

	if (vma->vm_pgoff < DRM_FILE_PAGE_OFFSET_START)
		return -EINVAL;

	drm_vma_offset_lock_lookup(bdev->vma_manager);
	node = drm_vma_offset_lookup_locked(bdev->vma_manager, vma->vm_pgoff,
					    vma_pages(vma));
	if (node)
		bo = ttm_bo_get_unless_zero(container_of(node,
							 struct ttm_buffer_object,
							 base.vma_node));
	drm_vma_offset_unlock_lookup(bdev->vma_manager);
	if (!bo) {
		pr_err("Could not find buffer object to map\n");
		return -EINVAL;
	}

	ret = bdev->driver->verify_access ?
	      bdev->driver->verify_access(bo, filp) : -EPERM;
	if (ret) {
		ttm_bo_put(bo);
		return ret;
	}
	nvlf_vma_setup(vma, bo);
	return 0;
}
EXPORT_SYMBOL(ttm_bo_mmap);

/**
 * ttm_bo_mmap_obj - set up a VMA that maps a buffer object
 * @vma: the VMA being mmapped
 * @bo: the buffer object; the VMA takes a reference
 *
 * Return: 0.
 */
int ttm_bo_mmap_obj(struct vm_area_struct *vma, struct ttm_buffer_object *bo)
{
	ttm_bo_get(bo);
	nvlf_vma_setup(vma, bo);
	return 0;
}
#else
/**
 * ttm_bo_mmap_obj - set up a VMA that maps a buffer object
 * @vma: the VMA being mmapped
 * @bo: the buffer object; the VMA takes a reference
 *
 * A driver that set vma->vm_ops keeps its own; the others get TTM's.
 *
 * Return: 0, or -EINVAL for a private writable (copy-on-write) mapping.
 */
int ttm_bo_mmap_obj(struct vm_area_struct *vma, struct ttm_buffer_object *bo)
{
	const vm_flags_t flags = VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP;

	/* CoW of device memory makes no sense. */
#ifdef NVLF_HAVE_VMA_IS_COW_MAPPING
	if (vma_is_cow_mapping(vma))
#else
	if (is_cow_mapping(vma->vm_flags))
#endif
		return -EINVAL;

	nvlf_bo_get(bo);
	vma->vm_private_data = bo;
	if (!vma->vm_ops)
		vma->vm_ops = &nvlf_ttm_vm_ops;
#ifdef NVLF_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
	return 0;
}
#endif
EXPORT_SYMBOL(ttm_bo_mmap_obj);
