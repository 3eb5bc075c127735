/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seg.h - SIGSEGV/SIGBUS recovery (seg.c).  A thread that touches memory
 * which may vanish under it points seg_jump at a sigjmp_buf armed with
 * sigsetjmp(); the handler disarms it, records the address and si_code
 * and jumps back with the signal number.  A signal with no jump buffer
 * armed is counted in seg_unarmed, said on stdout, and the default action
 * restored, so the access kills the process.
 */
#ifndef NVLF_SEG_H
#define NVLF_SEG_H

#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>

extern __thread sigjmp_buf *volatile seg_jump;
extern __thread volatile void *seg_addr;
extern __thread volatile int seg_code;	/* si_code: SEGV_MAPERR, SEGV_ACCERR... */
extern atomic_long seg_unarmed;

/* the handler for SIGSEGV and SIGBUS */
void seg_install(void);

#endif /* NVLF_SEG_H */
