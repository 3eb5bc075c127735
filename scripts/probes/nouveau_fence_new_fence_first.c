// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_NOUVEAU_FENCE_NEW_FENCE_FIRST
 * tracks: nouveau_fence_new(chan, sysmem, &fence) became
 *	nouveau_fence_new(&fence, chan) when fence allocation and emission
 *	were split (7f2a0b50b2b2 "drm/nouveau: fence: separate fence alloc
 *	and emit", v6.6).
 * lines: 6.12 7.2 7.3
 */
#include "nouveau_drv.h"
#include "nouveau_fence.h"

int nvlf_probe(struct nouveau_channel *chan, struct nouveau_fence **fence)
{
	return nouveau_fence_new(fence, chan);
}
