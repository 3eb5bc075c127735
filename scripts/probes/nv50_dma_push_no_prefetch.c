// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_NV50_DMA_PUSH_NO_PREFETCH
 * tracks: the NO_PREFETCH bit of a push length became an explicit argument
 *	of nv50_dma_push() (443f9e0b1ab5 "drm/nouveau: uapi: don't pass
 *	NO_PREFETCH flag implicitly", v6.6).  Before it the bit travels
 *	inside the length.
 * lines: 6.12
 */
#include "nouveau_drv.h"
#include "nouveau_dma.h"

void nvlf_probe(struct nouveau_channel *chan, u64 addr, u32 len)
{
	nv50_dma_push(chan, addr, len & ~NOUVEAU_GEM_PUSHBUF_NO_PREFETCH,
		      len & NOUVEAU_GEM_PUSHBUF_NO_PREFETCH);
}
