// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_DMA_RESV_WAIT_TIMEOUT
 * tracks: d3fae3b3daac "dma-buf: drop the _rcu postfix on function names
 *	v3" (v5.14): dma_resv_wait_timeout_rcu() and
 *	dma_resv_test_signaled_rcu() lost their _rcu suffix.
 * lines: 6.1 6.12 7.2 7.3
 */
#include <linux/dma-resv.h>

void *nvlf_probe(void)
{
	return dma_resv_wait_timeout;
}
