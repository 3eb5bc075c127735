// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_TTM_DEVICE_INIT_ALLOC_FLAGS
 * tracks: ttm_device_init()'s two bools (use_dma_alloc, use_dma32) became
 *	one word of TTM_ALLOCATION_* flags (seen between v6.12 and v7.2; the
 *	commit is not identified here).  Used by the test driver.
 * lines: 7.2 7.3
 */
#include <drm/ttm/ttm_device.h>

int nvlf_probe(struct ttm_device *bdev, const struct ttm_device_funcs *funcs,
	       struct device *dev, struct address_space *mapping,
	       struct drm_vma_offset_manager *vma_manager)
{
	return ttm_device_init(bdev, funcs, dev, mapping, vma_manager, 0);
}
