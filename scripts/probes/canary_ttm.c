// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * canary: must compile on every supported kernel.  If it does not, the
 * probe environment is broken and no probe result can be trusted.
 */
#include <linux/mm.h>
#include <linux/dma-resv.h>
#include <drm/ttm/ttm_placement.h>

int nvlf_probe(struct vm_area_struct *vma, struct dma_resv *resv)
{
	return dma_resv_trylock(resv) + (int)vma->vm_pgoff;
}
