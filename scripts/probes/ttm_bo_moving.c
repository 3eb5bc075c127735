// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_BO_MOVING
 * tracks: the fence of a pipelined move left bo->moving for the BO's
 *	reservation object, as a KERNEL-usage fence (between v5.10 and v6.1;
 *	the commit is not identified here).  Where bo->moving exists, a fault
 *	waits for it, not for the reservation object's fences.
 * lines: 5.10
 */
#include "ttm_bo_any.h"

struct dma_fence *nvlf_probe(struct ttm_buffer_object *bo)
{
	return bo->moving;
}
