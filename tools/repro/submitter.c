// SPDX-License-Identifier: GPL-2.0
/*
 * nvlf-repro: the shared BOs of a scenario ("world") and the submitter:
 * one job of GEM_PUSHBUF with its arrays (plain, or in a mapping of a BO of
 * the job), and the checks of what the kernel left in the presumed entries
 * and the relocation targets.
 */
#include "repro.h"

int world_init(struct world *w, char *err, size_t len)
{
	static const uint32_t dom[NSHARED] = { NV_VRAM, NV_GART, NV_VRAM, NV_GART };
	int i, r;

	memset(w, 0, sizeof(*w));
	for (i = 0; i < NSHARED; i++) {
		r = repro_bo_new(dom[i], SH_PAGES, &w->sh[i]);
		if (r) {
			snprintf(err, len, "GEM_NEW %s %u pages: %s",
				 domain_name(dom[i]), SH_PAGES, strerror(-r));
			return -1;
		}
		w->map[i] = bo_map(D.nv.fd, &w->sh[i]);
		if (!w->map[i]) {
			snprintf(err, len, "mmap of BO %u: %s", w->sh[i].handle,
				 strerror(errno));
			return -1;
		}
		/* every word known: zero, then the owners write theirs */
		memset(w->map[i], 0, w->sh[i].size);
	}
	return 0;
}

void world_fini(struct world *w)
{
	int i;

	for (i = 0; i < NSHARED; i++) {
		if (w->map[i])
			munmap(w->map[i], w->sh[i].size);
		bo_close(D.nv.fd, &w->sh[i]);
	}
}

static struct nvbo *obj_bo(struct sub *s, int obj)
{
	return obj == OBJ_META ? &s->meta : &s->w->sh[obj];
}

static volatile uint32_t *obj_word(struct sub *s, int obj, int j)
{
	if (obj == OBJ_META)
		return (volatile uint32_t *)(s->mmeta + META_TGT) + j;
	return s->w->map[obj] + (SLOT_PAGE * NV_PAGE) / 4 + s->id * 16 + j;
}

static uint32_t obj_word_offset(struct sub *s, int obj, int j)
{
	if (obj == OBJ_META)
		return META_TGT + 4 * (uint32_t)j;
	return SLOT_PAGE * NV_PAGE + 4 * (uint32_t)(s->id * 16 + j);
}

void sub_init(struct sub *s, struct world *w, int id)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->w = w;
	s->id = id;
	err_init(&s->e_rc);
	err_init(&s->e_presumed);
	err_init(&s->e_reloc);
	for (i = 0; i < NSHARED; i++) {
		s->last[i].valid = 1;
		s->last[i].domain = w->sh[i].domain;
		s->last[i].offset = w->sh[i].offset;
	}
}

int sub_make_nested(struct sub *s, char *err, size_t len)
{
	int r = repro_bo_new(NV_GART, META_PAGES, &s->meta);

	s->nested = true;
	if (r) {
		snprintf(err, len, "GEM_NEW meta BO: %s", strerror(-r));
		return -1;
	}
	s->mmeta = bo_map(D.nv.fd, &s->meta);
	if (!s->mmeta) {
		snprintf(err, len, "mmap meta BO: %s", strerror(errno));
		return -1;
	}
	memset(s->mmeta, 0, s->meta.size);
	s->last[OBJ_META].valid = 1;
	s->last[OBJ_META].domain = s->meta.domain;
	s->last[OBJ_META].offset = s->meta.offset;
	return 0;
}

void sub_fini(struct sub *s)
{
	if (s->mmeta)
		munmap(s->mmeta, s->meta.size);
	s->mmeta = NULL;
	bo_close(D.nv.fd, &s->meta);
}

static bool sub_done(struct sub *s, long it)
{
	if (s->iters)
		return it >= s->iters || atomic_load(&s->w->stop) > 1;
	return atomic_load(&s->w->stop) != 0;
}

/* One job, checked.  @it: iteration number. */
void sub_job(struct sub *s, long it)
{
	static const uint32_t ftab[] = {
		NOUVEAU_GEM_RELOC_LOW, NOUVEAU_GEM_RELOC_HIGH,
		NOUVEAU_GEM_RELOC_LOW | NOUVEAU_GEM_RELOC_OR,
		NOUVEAU_GEM_RELOC_HIGH | NOUVEAU_GEM_RELOC_OR, 0,
		NOUVEAU_GEM_RELOC_OR,
	};
	struct drm_nouveau_gem_pushbuf_push lpush[1], *push = lpush;
	struct drm_nouveau_gem_pushbuf_bo lbo[MAX_ENT], *ent = lbo,
		sent[MAX_ENT];
	struct drm_nouveau_gem_pushbuf_reloc lrel[MAX_RELOCS], *rel = lrel;
	struct drm_nouveau_gem_pushbuf req;
	uint32_t poison[MAX_RELOCS];
	int obj[MAX_ENT], nent = 0, nobj, nrel = 0, e, j, k, rc;
	bool wrong, slow = false, active;
	int expect = D.reject ? -EINVAL : 0;
	bool failed;

	wrong = s->pmode == PM_WRONG || (s->pmode == PM_ALT && !(it & 1));
	if (s->nested) {
		push = (void *)(s->mmeta + META_PUSH);
		ent = (void *)(s->mmeta + META_BUF);
		rel = (void *)(s->mmeta + META_RELOC);
		obj[nent++] = OBJ_META;
	}
	for (k = 0; k < NSHARED; k++)
		obj[nent++] = s->reverse ? NSHARED - 1 - k : k;
	nobj = nent;

	for (e = 0; e < nobj; e++) {
		struct drm_nouveau_gem_pushbuf_bo *b = &sent[e];
		struct nvbo *bo = obj_bo(s, obj[e]);

		memset(b, 0, sizeof(*b));
		b->user_priv = ((uint64_t)s->id << 32) | (uint64_t)e;
		b->handle = bo->handle;
		b->read_domains = NV_PLACED;
		b->valid_domains = NV_PLACED;
		b->presumed = s->last[obj[e]];
		b->presumed.valid = 1;
		if (wrong)	/* never a real offset */
			b->presumed.offset = 0x7f0000000000ull +
				((uint64_t)it << 12);
	}
	if (D.reject)		/* rejected after every BO is reserved */
		sent[nent++] = sent[0];

	for (e = 0; e < nobj; e++) {
		for (j = 0; j < RELOCS_PER_ENT; j++) {
			struct drm_nouveau_gem_pushbuf_reloc *r = &lrel[nrel];

			memset(r, 0, sizeof(*r));
			r->reloc_bo_index = (uint32_t)e;
			r->reloc_bo_offset = obj_word_offset(s, obj[e], j);
			r->bo_index = (uint32_t)((e + 1 + j) % nobj);
			r->flags = ftab[(it + 2 * e + j) % ARRAY_SIZE(ftab)];
			r->data = pat_word(((uint64_t)s->id << 40) | (uint64_t)it,
					   (uint64_t)nrel);
			r->vor = 0x10u << j;
			r->tor = 0x100u << j;
			poison[nrel] = 0xdead0000u ^ (uint32_t)(it << 4) ^
				       (uint32_t)nrel;
			*obj_word(s, obj[e], j) = poison[nrel];
			nrel++;
		}
	}
	lpush[0].bo_index = (uint32_t)(nobj - 1);
	lpush[0].offset = 0;
	lpush[0].length = D.push_len;

	if (s->nested) {
		memcpy(push, lpush, sizeof(lpush));
		memcpy(ent, sent, (size_t)nent * sizeof(*ent));
		memcpy(rel, lrel, (size_t)nrel * sizeof(*rel));
		/* a fresh mapping: nothing faulted in (same address) */
		if (!bo_map_at(D.nv.fd, &s->meta, s->mmeta)) {
			err_add(&s->e_rc, "job %ld: mmap MAP_FIXED of the meta BO: %s",
				it, strerror(errno));
			return;
		}
		slow = !(it & 1);
		if (slow) {
			s->slow_layout++;
		} else {
			/* fast layout: relocations faulted in beforehand */
			volatile uint8_t *p = (volatile uint8_t *)rel;
			uint8_t x = p[0];

			x ^= p[sizeof(*rel) * (size_t)(nrel - 1)];
			(void)x;
			s->fast_layout++;
		}
	} else {
		memcpy(ent, sent, (size_t)nent * sizeof(*ent));
	}

	memset(&req, 0, sizeof(req));
	req.channel = (uint32_t)D.nv.chan;
	req.nr_buffers = (uint32_t)nent;
	req.buffers = (uint64_t)(uintptr_t)ent;
	req.nr_relocs = (uint32_t)nrel;
	req.relocs = (uint64_t)(uintptr_t)rel;
	req.nr_push = 1;
	req.push = (uint64_t)(uintptr_t)push;
	rc = xioctl(DRM_IOCTL_NOUVEAU_GEM_PUSHBUF, &req);
	s->jobs++;
	/* failed by fault injection: untouched, or as far as it got */
	failed = rc != expect && injected(rc);
	s->injected += failed;
	if (rc != expect && !failed)
		err_add(&s->e_rc, "job %ld (%s layout, %s presumed): returned %d (%s), expected %d",
			it, s->nested ? (slow ? "slow" : "fast") : "plain",
			wrong ? "wrong" : "last known", rc, strerror(-rc),
			expect);
	active = rc == 0 && D.relocs;

	/* presumed entries as the kernel left them */
	for (e = 0; e < nobj; e++) {
		const struct drm_nouveau_gem_pushbuf_bo *a = &ent[e];
		const struct nvbo *bo = obj_bo(s, obj[e]);

		if (a->handle != sent[e].handle ||
		    a->user_priv != sent[e].user_priv) {
			err_add(&s->e_presumed, "job %ld entry %d: handle/user_priv changed",
				it, e);
			continue;
		}
		if ((!active && !(failed && D.relocs)) || a->presumed.valid) {
			if (memcmp(&a->presumed, &sent[e].presumed,
				   sizeof(a->presumed)))
				err_add(&s->e_presumed,
					"job %ld entry %d: presumed changed to valid=%u %s 0x%" PRIx64 " although %s",
					it, e, a->presumed.valid,
					domain_name(a->presumed.domain),
					(uint64_t)a->presumed.offset,
					active ? "valid stayed 1" : "no write-back was due");
			else if (active && wrong)
				err_add(&s->e_presumed,
					"job %ld entry %d: the kernel kept the wrong presumed offset 0x%" PRIx64,
					it, e, (uint64_t)a->presumed.offset);
			continue;
		}
		/* written back: where the BO really is */
		if (a->presumed.domain != NV_VRAM && a->presumed.domain != NV_GART)
			err_add(&s->e_presumed, "job %ld entry %d: written-back domain %u",
				it, e, a->presumed.domain);
		else if (!s->w->moving &&
			 (a->presumed.domain != bo->domain ||
			  a->presumed.offset != bo->offset))
			err_add(&s->e_presumed,
				"job %ld entry %d: written back %s 0x%" PRIx64 ", GEM_INFO said %s 0x%" PRIx64,
				it, e, domain_name(a->presumed.domain),
				(uint64_t)a->presumed.offset,
				domain_name(bo->domain), bo->offset);
		s->last[obj[e]] = a->presumed;
	}

	/* relocation targets, read through the mappings */
	for (k = 0; k < nrel; k++) {
		const struct drm_nouveau_gem_pushbuf_reloc *r = &lrel[k];
		const struct drm_nouveau_gem_pushbuf_bo *b = &ent[r->bo_index];
		int eo = obj[r->reloc_bo_index];
		int jj = k % RELOCS_PER_ENT;
		bool applied = (active || failed) && b->presumed.valid == 0;
		uint32_t want = applied ? reloc_value(r, &b->presumed) : poison[k];
		uint32_t got = *obj_word(s, eo, jj);

		/* a failed job may have stopped before this relocation */
		if (failed && applied && got == poison[k])
			want = poison[k];
		/*
		 * or relocated it and then failed to write the presumed entry
		 * back: where to, user space cannot know (only then)
		 */
		if (failed && !applied && got != poison[k] &&
		    !memcmp(&b->presumed, &sent[r->bo_index].presumed,
			    sizeof(b->presumed))) {
			s->unknown++;
			s->final[eo][jj] = got;
			continue;
		}

		if (got != want)
			err_add(&s->e_reloc,
				"job %ld reloc %d (flags 0x%x, into entry %u word 0x%x, from entry %u %s): 0x%08x, expected 0x%08x (%s)",
				it, k, r->flags, r->reloc_bo_index,
				r->reloc_bo_offset, r->bo_index,
				domain_name(b->presumed.domain), got, want,
				applied ? "relocated" : "untouched");
		s->final[eo][jj] = want;
	}
}

void *sub_thread(void *arg)
{
	struct sub *s = arg;
	long it;

	inject_this_thread();
	for (it = 0; !sub_done(s, it); it++)
		sub_job(s, it);
	return NULL;
}

int start_subs(struct sub *s, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		if (pthread_create(&s[i].th, NULL, sub_thread, &s[i])) {
			while (i--)
				pthread_join(s[i].th, NULL);
			return -1;
		}
	}
	return 0;
}
