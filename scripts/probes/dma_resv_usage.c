// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_DMA_RESV_USAGE
 * tracks: 7bc80a5462c3 "dma-buf: add enum dma_resv_usage v4" (v5.19): a
 *	reservation object's fences are waited for and tested by usage class
 *	(KERNEL for moves and clears, BOOKKEEP for all); before, by "all" or
 *	"the exclusive one only".
 * lines: 6.1 6.12 7.2 7.3
 */
#include <linux/dma-resv.h>

long nvlf_probe(struct dma_resv *resv)
{
	return dma_resv_wait_timeout(resv, DMA_RESV_USAGE_KERNEL, true, 1);
}
