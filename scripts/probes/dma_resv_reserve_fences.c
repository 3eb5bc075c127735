// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_DMA_RESV_RESERVE_FENCES
 * tracks: dma_resv_reserve_shared() became dma_resv_reserve_fences(),
 *	which reserves a slot for a fence of any usage (between v5.10 and
 *	v6.1; the commit is not identified here).  Used by the test driver.
 * lines: 6.1 6.12 7.2 7.3
 */
#include <linux/dma-resv.h>

void *nvlf_probe(void)
{
	return dma_resv_reserve_fences;
}
