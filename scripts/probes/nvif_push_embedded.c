// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * define: NVLF_HAVE_NVIF_PUSH_EMBEDDED
 * tracks: struct nouveau_channel's chan.push changed from a pointer (next
 *	to an embedded "_push") to an embedded struct nvif_push, so PUSH_*
 *	take &chan->chan.push.  Seen as a pointer in 6.1 and embedded in
 *	6.12; the upstream commit is not identified here.
 * lines: 6.12 7.2 7.3
 */
#include "nouveau_drv.h"
#include "nouveau_chan.h"

struct nvif_push *nvlf_probe(struct nouveau_channel *chan)
{
	return &chan->chan.push;
}
