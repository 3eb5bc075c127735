// SPDX-License-Identifier: GPL-2.0
/*
 * seg.c - SIGSEGV/SIGBUS recovery for threads that touch memory which may
 * vanish under them.
 */
#define _GNU_SOURCE
#include "seg.h"

#include <string.h>
#include <unistd.h>

/*
 * A thread that touches memory which may vanish under it arms a jump
 * buffer; the handler jumps back with the signal number.  A signal with
 * no jump buffer armed is unexpected: it is counted, described on stderr
 * and the default action is restored, so the access kills the process.
 */
__thread sigjmp_buf *volatile seg_jump;
__thread volatile void *seg_addr;
__thread volatile int seg_code;	/* si_code: SEGV_MAPERR, SEGV_ACCERR... */
atomic_long seg_unarmed;

static void seg_handler(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	if (seg_jump) {
		sigjmp_buf *jb = seg_jump;

		seg_jump = NULL;
		seg_addr = si->si_addr;
		seg_code = si->si_code;
		siglongjmp(*jb, sig);
	}
	atomic_fetch_add(&seg_unarmed, 1);
	{
		static const char m[] = "# unexpected SIGSEGV/SIGBUS outside a guarded access\n";
		ssize_t w = write(1, m, sizeof(m) - 1);

		(void)w;
	}
	signal(sig, SIG_DFL);
}

void seg_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = seg_handler;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}
