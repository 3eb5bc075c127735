// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_POPULATE
 * tracks: ttm_bo_populate() (absent in v6.12, present in v7.2; the commit
 *	is not identified here): a fault populates a BO through it, which
 *	also puts a BO that was swapped out back on its LRU list;
 *	ttm_tt_populate() alone would leave it off.
 * lines: 7.2 7.3
 */
#include "ttm_bo_any.h"

int nvlf_probe(struct ttm_buffer_object *bo, struct ttm_operation_ctx *ctx)
{
	return ttm_bo_populate(bo, ctx);
}
