/* SPDX-License-Identifier: GPL-2.0 OR MIT */
/*
 * nouveau-lockfix: reserve a set of buffer objects as one, and touch user
 * memory only in ways that cannot deadlock against those reservations.
 */
#ifndef NVLF_WW_RESERVE_H
#define NVLF_WW_RESERVE_H

#include <linux/percpu.h>
#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/types.h>
#include <linux/ww_mutex.h>

struct dma_resv;

/**
 * struct nvlf_reserve_stats - what the reservation helpers count
 * @backoffs: -EDEADLK: every reservation dropped, the contended one taken
 *	with the slow path
 * @would_fault: user copies refused because reservations were held and
 *	the memory was not present
 */
struct nvlf_reserve_stats {
	unsigned long backoffs;
	unsigned long would_fault;
};

/**
 * struct nvlf_reserve - a set of reservations taken under one ww ticket
 * @ticket: the acquire context, live between lock_all and unlock_all
 * @objs: the reservation objects, filled in by the caller after
 *	nvlf_reserve_init(); the same object twice is an error
 * @held: bitmap, bit i set while objs[i] is locked by us
 * @count: number of entries in @objs
 * @nheld: number of bits set in @held
 * @dup: on -EINVAL from nvlf_reserve_lock_all(), the index of the duplicate
 * @interruptible: wait for reservations interruptibly
 * @naive: test builds only (NVLF_NAIVE_MODE): user copies ignore the
 *	reservations, reproducing the pre-fix pattern for tests
 * @stats: per-CPU counters to update, never NULL
 */
struct nvlf_reserve {
	struct ww_acquire_ctx ticket;
	struct dma_resv **objs;
	unsigned long *held;
	unsigned int count;
	unsigned int nheld;
	unsigned int dup;
	bool interruptible;
	bool naive;
	struct nvlf_reserve_stats __percpu *stats;
};

/*
 * Returned by the user-copy helpers: held reservations forbid faulting.
 * Positive, so that no errno a driver step returns (-EAGAIN included) can
 * be taken for it.
 */
#define NVLF_RESERVE_WOULD_FAULT 1

int nvlf_reserve_init(struct nvlf_reserve *r, unsigned int count,
		      bool interruptible,
		      struct nvlf_reserve_stats __percpu *stats);
void nvlf_reserve_fini(struct nvlf_reserve *r);
int nvlf_reserve_lock_all(struct nvlf_reserve *r);
void nvlf_reserve_unlock_all(struct nvlf_reserve *r);

int nvlf_reserve_copy_from_user(struct nvlf_reserve *r, void *dst,
				const void __user *src, size_t len);
int nvlf_reserve_copy_to_user(struct nvlf_reserve *r, void __user *dst,
			      const void *src, size_t len);

/**
 * nvlf_reserve_held - whether any reservation of @r is held
 * @r: the set
 *
 * Return: true between a successful nvlf_reserve_lock_all() and
 * nvlf_reserve_unlock_all().
 */
static inline bool nvlf_reserve_held(const struct nvlf_reserve *r)
{
	return r->nheld != 0;
}

#endif /* NVLF_WW_RESERVE_H */
