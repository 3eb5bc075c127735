// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_OPT_FLAG_FORCE_ALLOC
 * tracks: TTM's memory accounting (ttm_memory.c, with its lower_mem_limit)
 *	refused allocations past its limit unless the operation context had
 *	TTM_OPT_FLAG_FORCE_ALLOC, which the fault path set (until the
 *	accounting went, between v5.10 and v6.1; the commit is not
 *	identified here).
 * lines: 5.10
 */
#include "ttm_bo_any.h"

unsigned int nvlf_probe(void)
{
	struct ttm_operation_ctx ctx = { .flags = TTM_OPT_FLAG_FORCE_ALLOC };

	return ctx.flags;
}
