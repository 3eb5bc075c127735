// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_FAULT_RESERVE_NOTIFY
 * tracks: the driver callback fault_reserve_notify, which TTM's fault path
 *	called with the BO reserved (nouveau, amdgpu and radeon move a BO into
 *	CPU-visible memory there), was dropped when those drivers took the
 *	step into their own fault handlers (after v5.10; the commit is not
 *	identified here).  Defined where TTM must still call it.
 * lines: 5.10
 */
#include "ttm_bo_any.h"

void *nvlf_probe(struct ttm_buffer_object *bo)
{
	return bo->bdev->driver->fault_reserve_notify;
}
