// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * nouveau-lockfix: reservation helpers shared by the GEM_PUSHBUF ioctl of
 * nouveau and by the test driver.  This is the only place that knows how
 * to reserve a list of buffer objects, and how to touch user memory near
 * reservations.
 *
 * Locking rule of this file
 * -------------------------
 * All reservations of a set are taken under one ww_acquire_ctx of the
 * kernel's reservation_ww_class (Documentation/locking/ww-mutex-design.rst).
 * When a lock answers -EDEADLK, an older ticket wants something we hold:
 * we drop every reservation, wait for the contended one with the slow
 * path, and take the rest again.  The ticket lives from
 * nvlf_reserve_lock_all() to nvlf_reserve_unlock_all(); a set taken again
 * after unlocking gets a new ticket.
 *
 * While any reservation of a set is held, user memory is touched only
 * with page faults disabled.  A fault could need mmap_lock, which orders
 * before reservations, or a reservation we hold (when the memory is a
 * mapping of one of our BOs).  A copy that would fault fails with
 * NVLF_RESERVE_WOULD_FAULT; the caller drops every reservation, copies again
 * with faults enabled and reserves again.
 *
 * Why not drm_exec (drivers/gpu/drm/drm_exec.c), which wraps the same
 * ww loop: it first appeared in v6.5, and the 6.1 line we build for has
 * none, so the engine would need two locking paths, one of them untested
 * on half the lines.  Its contract is also narrower than ours: it locks
 * GEM objects and retries its whole block on contention, while the engine
 * also has to drop every reservation around a user copy that would fault
 * and count what happened (backoffs, refused copies) per CPU.
 */

#include <linux/bitmap.h>
#include <linux/dma-resv.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <nvlf/stats.h>
#include <nvlf/ww_reserve.h>

/**
 * nvlf_reserve_init - prepare a set of @count reservations
 * @r: the set
 * @count: number of objects; the caller fills r->objs[0..count-1]
 * @interruptible: wait interruptibly (signals give -ERESTARTSYS)
 * @stats: counters to update
 *
 * Return: 0 or -ENOMEM.
 */
int nvlf_reserve_init(struct nvlf_reserve *r, unsigned int count,
		      bool interruptible,
		      struct nvlf_reserve_stats __percpu *stats)
{
	memset(r, 0, sizeof(*r));
	r->count = count;
	r->interruptible = interruptible;
	r->stats = stats;
	if (!count)
		return 0;

	r->objs = kvcalloc(count, sizeof(*r->objs), GFP_KERNEL);
	r->held = bitmap_zalloc(count, GFP_KERNEL);
	if (!r->objs || !r->held) {
		nvlf_reserve_fini(r);
		return -ENOMEM;
	}
	return 0;
}

/**
 * nvlf_reserve_fini - free a set; nothing may be held
 * @r: the set
 */
void nvlf_reserve_fini(struct nvlf_reserve *r)
{
	WARN_ON(nvlf_reserve_held(r));
	bitmap_free(r->held);
	kvfree(r->objs);
	r->held = NULL;
	r->objs = NULL;
}

/* Unlock everything we hold; the ticket stays live. */
static void nvlf_reserve_drop(struct nvlf_reserve *r)
{
	unsigned int i;

	for_each_set_bit(i, r->held, r->count) {
		dma_resv_unlock(r->objs[i]);
		__clear_bit(i, r->held);
	}
	r->nheld = 0;
}

static int nvlf_reserve_lock_one(struct nvlf_reserve *r, unsigned int i)
{
	int ret;

	if (r->interruptible)
		ret = dma_resv_lock_interruptible(r->objs[i], &r->ticket);
	else
		ret = dma_resv_lock(r->objs[i], &r->ticket);
	if (!ret) {
		__set_bit(i, r->held);
		r->nheld++;
	}
	return ret;
}

/* Wait for the contended object with nothing else held. */
static int nvlf_reserve_lock_slow(struct nvlf_reserve *r, unsigned int i)
{
	int ret = 0;

	if (r->interruptible)
		ret = dma_resv_lock_slow_interruptible(r->objs[i], &r->ticket);
	else
		dma_resv_lock_slow(r->objs[i], &r->ticket);
	if (!ret) {
		__set_bit(i, r->held);
		r->nheld++;
	}
	return ret;
}

/* Index of the object @i duplicates: the one we hold that is the same. */
static unsigned int nvlf_reserve_find_dup(struct nvlf_reserve *r, unsigned int i)
{
	unsigned int j;

	for_each_set_bit(j, r->held, r->count)
		if (r->objs[j] == r->objs[i])
			return j;
	return i;
}

/**
 * nvlf_reserve_lock_all - reserve every object of the set
 * @r: the set, initialized and not held
 *
 * On failure nothing is held and the ticket is finished.
 *
 * Return: 0 with every object reserved; -EINVAL if an object appears twice
 * (r->dup is the index of its second appearance); -ERESTARTSYS if a signal
 * interrupted a wait; another negative error code from the lock.
 */
int nvlf_reserve_lock_all(struct nvlf_reserve *r)
{
	unsigned int i;
	int ret = 0;

	if (WARN_ON(nvlf_reserve_held(r)))
		return -EBUSY;
	if (!r->count)
		return 0;

	ww_acquire_init(&r->ticket, &reservation_ww_class);
restart:
	for (i = 0; i < r->count; i++) {
		if (test_bit(i, r->held))
			continue;	/* taken with the slow path */

		ret = nvlf_reserve_lock_one(r, i);
		if (!ret)
			continue;
		if (ret == -EALREADY) {
			r->dup = max(i, nvlf_reserve_find_dup(r, i));
			ret = -EINVAL;
			break;
		}
		if (ret != -EDEADLK)
			break;

		/* An older ticket needs what we hold: back off, wait, redo. */
		nvlf_count(r->stats->backoffs);
		nvlf_reserve_drop(r);
		ret = nvlf_reserve_lock_slow(r, i);
		if (ret)
			break;
		goto restart;
	}

	if (!ret) {
		ww_acquire_done(&r->ticket);
		return 0;
	}
	nvlf_reserve_drop(r);
	ww_acquire_fini(&r->ticket);
	return ret == -EINTR ? -ERESTARTSYS : ret;
}

/**
 * nvlf_reserve_unlock_all - drop every reservation and finish the ticket
 * @r: the set, as left by a successful nvlf_reserve_lock_all()
 */
void nvlf_reserve_unlock_all(struct nvlf_reserve *r)
{
	if (!r->count)
		return;
	if (WARN_ON(!nvlf_reserve_held(r)))
		return;
	nvlf_reserve_drop(r);
	ww_acquire_fini(&r->ticket);
}

/*
 * Test builds of the test driver only (NVLF_NAIVE_MODE): copy as the code
 * before the fix did, ignoring held reservations, so that tests can show
 * that they catch it.  Never compiled into nouveau.ko.
 */
static bool nvlf_reserve_naive(const struct nvlf_reserve *r)
{
#ifdef NVLF_NAIVE_MODE
	return r->naive;
#else
	return false;
#endif
}

/**
 * nvlf_reserve_copy_from_user - copy from user memory near reservations
 * @r: the set whose reservations may be held
 * @dst: kernel destination
 * @src: user source
 * @len: bytes
 *
 * With nothing held this is copy_from_user().  With reservations held the
 * copy runs with page faults disabled: memory that is not present is not
 * faulted in.
 *
 * Return: 0; NVLF_RESERVE_WOULD_FAULT if reservations are held and the copy
 * would have faulted (drop them, copy again, reserve again); -EFAULT for
 * memory that cannot be read.
 */
int nvlf_reserve_copy_from_user(struct nvlf_reserve *r, void *dst,
				const void __user *src, size_t len)
{
	unsigned long left;

	if (!nvlf_reserve_held(r) || nvlf_reserve_naive(r))
		return copy_from_user(dst, src, len) ? -EFAULT : 0;

	if (!access_ok(src, len))
		return -EFAULT;
	pagefault_disable();
	left = __copy_from_user_inatomic(dst, src, len);
	pagefault_enable();
	if (!left)
		return 0;
	nvlf_count(r->stats->would_fault);
	return NVLF_RESERVE_WOULD_FAULT;
}

/**
 * nvlf_reserve_copy_to_user - copy to user memory near reservations
 * @r: the set whose reservations may be held
 * @dst: user destination
 * @src: kernel source
 * @len: bytes
 *
 * As nvlf_reserve_copy_from_user(), in the other direction.
 *
 * Return: 0; NVLF_RESERVE_WOULD_FAULT if reservations are held and the copy
 * would have faulted; -EFAULT for memory that cannot be written.
 */
int nvlf_reserve_copy_to_user(struct nvlf_reserve *r, void __user *dst,
			      const void *src, size_t len)
{
	unsigned long left;

	if (!nvlf_reserve_held(r) || nvlf_reserve_naive(r))
		return copy_to_user(dst, src, len) ? -EFAULT : 0;

	if (!access_ok(dst, len))
		return -EFAULT;
	pagefault_disable();
	left = __copy_to_user_inatomic(dst, src, len);
	pagefault_enable();
	if (!left)
		return 0;
	nvlf_count(r->stats->would_fault);
	return NVLF_RESERVE_WOULD_FAULT;
}
