// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_DEVICE_FUNCS
 * tracks: 8af8a109b34f "drm/ttm: device naming cleanup" (after v5.10; the
 *	release is not checked here): struct ttm_bo_device became struct
 *	ttm_device and its driver callbacks bdev->driver became bdev->funcs
 *	(struct ttm_device_funcs).  Defined where the new names exist.
 * lines: 6.1 6.12 7.2 7.3
 */
#include "ttm_bo_any.h"
#include <drm/ttm/ttm_device.h>

void *nvlf_probe(struct ttm_buffer_object *bo)
{
	return bo->bdev->funcs->io_mem_pfn;
}
