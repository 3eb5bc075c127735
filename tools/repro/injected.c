// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro --injected: which errors the kernel's fault injection may
 * cause, and the per-thread make-it-fail switch around the submitters'
 * and the mover's ioctls.
 */
#include "repro.h"

/*
 * --injected: an error the kernel's fault injection (failslab,
 * fail_page_alloc, fail_usercopy) can cause, which the stress run accepts;
 * what the ioctls leave behind is still checked.
 */
bool injected(int rc)
{
	return opt.injected &&
	       (rc == -ENOMEM || rc == -EFAULT || rc == -EINTR ||
		rc == -EBUSY || rc == -EAGAIN || rc == -ENOSPC);
}

/*
 * --injected: the PUSHBUF and BO_MOVE calls of the stress run's submitters
 * and mover run with their thread's make-it-fail set (tests/lib mif_set()),
 * so that what the caller armed (failslab, fail_page_alloc, fail_usercopy
 * with task-filter) fails inside those calls and nowhere else: user space
 * between the calls, the faulters and the setup never see an injected
 * failure.  (tests/lib's NVLF_KINJECT=1 mode of nv_ioctl() is another
 * thing: every ioctl of every thread, and a failed one is sent again; here
 * the failures must reach the checks.)
 */
static __thread bool injecting;

void make_it_fail(bool on)
{
	/*
	 * Without the kernel's fault injection nothing is failed: the stress
	 * run's point that injections happened fails, naming the cause.
	 */
	if (injecting && mif_fd() >= 0)
		mif_set(on, "nvlf-repro --injected");
}

/* this thread's calls from now on run under fault injection */
void inject_this_thread(void)
{
	injecting = opt.injected;
}
