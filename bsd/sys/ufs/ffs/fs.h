/*
 * fs.h: the FFS (UFS1, 4.4BSD) superblock, cylinder groups, and the
 * address arithmetic between them.
 *
 * Layout: the superblock is at byte SBOFF (8192). The disk is split into
 * fs_ncg cylinder groups of fs_fpg fragments; each holds a copy of the
 * superblock (cgsblock), its cylinder-group block (cgtod) with the
 * inode-used and fragment-free bit maps, its fs_ipg inodes (cgimin), and
 * data (cgdmin). Addresses are in fragments (fs_fsize bytes); a block is
 * fs_frag fragments. The per-group summaries (struct csum) are stored in
 * fs_cssize bytes at fs_csaddr. All multi-byte fields are little-endian
 * on x86_64, as on the i386 images other systems write.
 */
#ifndef _UFS_FFS_FS_H_
#define _UFS_FFS_FS_H_
#include <sys/types.h>
#include <ufs/ufs/dinode.h>

#define SBOFF		((off_t)8192)	/* superblock byte offset */
#define BBSIZE		8192
#define SBSIZE		8192
#define BBOFF		((off_t)0)
#define BBLOCK		((daddr_t)0)
#define SBLOCK		((daddr_t)(BBLOCK + BBSIZE / DEV_BSIZE))

#define MINBSIZE	4096
#define MAXMNTLEN	512
#define MAXCSBUFS	32
#define MINFREE		8
#define DEFAULTOPT	FS_OPTTIME
#define FS_OPTTIME	0
#define FS_OPTSPACE	1
#define FS_MAGIC	0x011954	/* the UFS1 magic number */
#define FS_OKAY		0x7c269d38	/* fs_state: fs_clean is valid */
#define FS_44INODEFMT	2		/* fs_inodefmt of 4.4BSD */
#define FS_42POSTBLFMT	-1
#define FS_DYNAMICPOSTBLFMT 1
#define MAXFRAG		8

/* Per-cylinder-group summary. */
struct csum {
	int32_t	cs_ndir;		/* directories */
	int32_t	cs_nbfree;		/* free blocks */
	int32_t	cs_nifree;		/* free inodes */
	int32_t	cs_nffree;		/* free fragments (not in free blocks) */
};

struct fs {
	int32_t	 fs_firstfield;		/*    0 */
	int32_t	 fs_unused_1;		/*    4 */
	daddr_t	 fs_sblkno;		/*    8 superblock offset in a cg (frags) */
	daddr_t	 fs_cblkno;		/*   12 cg block offset in a cg */
	daddr_t	 fs_iblkno;		/*   16 inode blocks offset in a cg */
	daddr_t	 fs_dblkno;		/*   20 first data offset in a cg */
	int32_t	 fs_cgoffset;		/*   24 cg offset in its cylinder */
	int32_t	 fs_cgmask;		/*   28 used with fs_cgoffset */
	int32_t	 fs_time;		/*   32 last written */
	int32_t	 fs_size;		/*   36 fragments in the file system */
	int32_t	 fs_dsize;		/*   40 data fragments */
	int32_t	 fs_ncg;		/*   44 cylinder groups */
	int32_t	 fs_bsize;		/*   48 block size */
	int32_t	 fs_fsize;		/*   52 fragment size */
	int32_t	 fs_frag;		/*   56 fragments per block */
	int32_t	 fs_minfree;		/*   60 % of blocks kept free */
	int32_t	 fs_rotdelay;		/*   64 */
	int32_t	 fs_rps;		/*   68 */
	int32_t	 fs_bmask;		/*   72 blkoff mask */
	int32_t	 fs_fmask;		/*   76 fragoff mask */
	int32_t	 fs_bshift;		/*   80 lblkno shift */
	int32_t	 fs_fshift;		/*   84 numfrags shift */
	int32_t	 fs_maxcontig;		/*   88 */
	int32_t	 fs_maxbpg;		/*   92 most blocks of a file in one cg */
	int32_t	 fs_fragshift;		/*   96 block to fragment shift */
	int32_t	 fs_fsbtodb;		/*  100 fragment to DEV_BSIZE shift */
	int32_t	 fs_sbsize;		/*  104 superblock size */
	int32_t	 fs_csmask;		/*  108 */
	int32_t	 fs_csshift;		/*  112 */
	int32_t	 fs_nindir;		/*  116 pointers per indirect block */
	int32_t	 fs_inopb;		/*  120 inodes per block */
	int32_t	 fs_nspf;		/*  124 sectors per fragment */
	int32_t	 fs_optim;		/*  128 FS_OPTTIME or FS_OPTSPACE */
	int32_t	 fs_npsect;		/*  132 */
	int32_t	 fs_interleave;		/*  136 */
	int32_t	 fs_trackskew;		/*  140 */
	int32_t	 fs_headswitch;		/*  144 */
	int32_t	 fs_trkseek;		/*  148 */
	daddr_t	 fs_csaddr;		/*  152 cg summary area address */
	int32_t	 fs_cssize;		/*  156 cg summary area size */
	int32_t	 fs_cgsize;		/*  160 cg block size */
	int32_t	 fs_ntrak;		/*  164 */
	int32_t	 fs_nsect;		/*  168 */
	int32_t	 fs_spc;		/*  172 sectors per cylinder */
	int32_t	 fs_ncyl;		/*  176 cylinders */
	int32_t	 fs_cpg;		/*  180 cylinders per group */
	int32_t	 fs_ipg;		/*  184 inodes per group */
	int32_t	 fs_fpg;		/*  188 fragments per group */
	struct	csum fs_cstotal;	/*  192 totals of all groups */
	int8_t	 fs_fmod;		/*  208 modified (in core) */
	int8_t	 fs_clean;		/*  209 cleanly unmounted */
	int8_t	 fs_ronly;		/*  210 read-only (in core) */
	int8_t	 fs_flags;		/*  211 */
	u_char	 fs_fsmnt[MAXMNTLEN];	/*  212 where it was mounted */
	int32_t	 fs_cgrotor;		/*  724 last cg searched */
	int32_t	 fs_ocsp[MAXCSBUFS];	/*  728 (32-bit in-core pointers; unused) */
	int32_t	 fs_cpc;		/*  856 cylinders per rotational cycle */
	int16_t	 fs_opostbl[16][8];	/*  860 */
	int32_t	 fs_sparecon[50];	/* 1116 */
	int32_t	 fs_contigsumsize;	/* 1316 */
	int32_t	 fs_maxsymlinklen;	/* 1320 longest symlink in the inode */
	int32_t	 fs_inodefmt;		/* 1324 FS_44INODEFMT */
	u_int64_t fs_maxfilesize;	/* 1328 */
	int64_t	 fs_qbmask;		/* 1336 ~fs_bmask */
	int64_t	 fs_qfmask;		/* 1344 ~fs_fmask */
	int32_t	 fs_state;		/* 1352 FS_OKAY - fs_time if clean */
	int32_t	 fs_postblformat;	/* 1356 */
	int32_t	 fs_nrpos;		/* 1360 rotational positions */
	int32_t	 fs_postbloff;		/* 1364 */
	int32_t	 fs_rotbloff;		/* 1368 */
	int32_t	 fs_magic;		/* 1372 FS_MAGIC */
	u_int8_t fs_space[1];		/* 1376 */
};
CTASSERT(__builtin_offsetof(struct fs, fs_cstotal) == 192);
CTASSERT(__builtin_offsetof(struct fs, fs_cpc) == 856);
CTASSERT(__builtin_offsetof(struct fs, fs_maxfilesize) == 1328);
CTASSERT(__builtin_offsetof(struct fs, fs_magic) == 1372);

#define CG_MAGIC	0x090255

struct cg {
	int32_t	 cg_firstfield;		/*   0 */
	int32_t	 cg_magic;		/*   4 CG_MAGIC */
	int32_t	 cg_time;		/*   8 last written */
	int32_t	 cg_cgx;		/*  12 index of this cg */
	int16_t	 cg_ncyl;		/*  16 */
	int16_t	 cg_niblk;		/*  18 inode blocks (old; may be 0) */
	int32_t	 cg_ndblk;		/*  20 fragments in this cg */
	struct	csum cg_cs;		/*  24 summary */
	int32_t	 cg_rotor;		/*  40 last block allocated */
	int32_t	 cg_frotor;		/*  44 last fragment allocated */
	int32_t	 cg_irotor;		/*  48 last inode allocated */
	int32_t	 cg_frsum[MAXFRAG];	/*  52 free runs of each length */
	int32_t	 cg_btotoff;		/*  84 (int32) free blocks per cylinder */
	int32_t	 cg_boff;		/*  88 (u_int16) free block positions */
	int32_t	 cg_iusedoff;		/*  92 (u_int8) inode-used map */
	int32_t	 cg_freeoff;		/*  96 (u_int8) fragment-free map */
	int32_t	 cg_nextfreeoff;	/* 100 end of the maps */
	int32_t	 cg_clustersumoff;	/* 104 */
	int32_t	 cg_clusteroff;		/* 108 */
	int32_t	 cg_nclusterblks;	/* 112 */
	int32_t	 cg_sparecon[13];	/* 116 */
	u_int8_t cg_space[1];		/* 168 the maps */
};
CTASSERT(__builtin_offsetof(struct cg, cg_space) == 168);

#define cg_inosused(cgp)	((u_int8_t *)(cgp) + (cgp)->cg_iusedoff)
#define cg_blksfree(cgp)	((u_int8_t *)(cgp) + (cgp)->cg_freeoff)
#define cg_chkmagic(cgp)	((cgp)->cg_magic == CG_MAGIC)

/* Addresses (in fragments) of the parts of cylinder group c. */
#define cgbase(fs, c)	((daddr_t)((fs)->fs_fpg * (c)))
#define cgstart(fs, c)							\
	(cgbase(fs, c) + (fs)->fs_cgoffset * ((c) & ~((fs)->fs_cgmask)))
#define cgsblock(fs, c)	(cgstart(fs, c) + (fs)->fs_sblkno)
#define cgtod(fs, c)	(cgstart(fs, c) + (fs)->fs_cblkno)
#define cgimin(fs, c)	(cgstart(fs, c) + (fs)->fs_iblkno)
#define cgdmin(fs, c)	(cgstart(fs, c) + (fs)->fs_dblkno)

/* Inodes: group, fragment address of its block, index in the block. */
#define ino_to_cg(fs, x)	((x) / (fs)->fs_ipg)
#define ino_to_fsba(fs, x)						\
	((daddr_t)(cgimin(fs, ino_to_cg(fs, x)) +			\
	    (blkstofrags((fs), (((x) % (fs)->fs_ipg) / INOPB(fs))))))
#define ino_to_fsbo(fs, x)	((x) % INOPB(fs))

/* Fragment address to group, and to offset within the group. */
#define dtog(fs, d)	((d) / (fs)->fs_fpg)
#define dtogd(fs, d)	((d) % (fs)->fs_fpg)

/* Fragments <-> DEV_BSIZE sectors. */
#define fsbtodb(fs, b)	((daddr_t)(b) << (fs)->fs_fsbtodb)
#define dbtofsb(fs, b)	((b) >> (fs)->fs_fsbtodb)

/* Byte offsets and sizes. */
#define blkoff(fs, loc)		((loc) & (fs)->fs_qbmask)
#define fragoff(fs, loc)	((loc) & (fs)->fs_qfmask)
#define lblktosize(fs, blk)	((off_t)(blk) << (fs)->fs_bshift)
#define lblkno(fs, loc)		((loc) >> (fs)->fs_bshift)
#define numfrags(fs, loc)	((loc) >> (fs)->fs_fshift)
#define blkroundup(fs, size)	(((size) + (fs)->fs_qbmask) & (fs)->fs_bmask)
#define fragroundup(fs, size)	(((size) + (fs)->fs_qfmask) & (fs)->fs_fmask)
#define fragstoblks(fs, frags)	((frags) >> (fs)->fs_fragshift)
#define blkstofrags(fs, blks)	((blks) << (fs)->fs_fragshift)
#define fragnum(fs, fsb)	((fsb) & ((fs)->fs_frag - 1))
#define blknum(fs, fsb)		((fsb) &~ ((fs)->fs_frag - 1))

/* Free space, keeping the minfree reserve. */
#define freespace(fs, percentreserved)					\
	(blkstofrags((fs), (fs)->fs_cstotal.cs_nbfree) +		\
	    (fs)->fs_cstotal.cs_nffree - ((fs)->fs_dsize * (percentreserved) / 100))

/* Size of logical block lbn of an inode: full blocks, except a tail fragment. */
#define blksize(fs, ip, lbn)						\
	(((lbn) >= NDADDR || (ip)->i_size >= (u_int64_t)((lbn) + 1) << (fs)->fs_bshift) \
	    ? (fs)->fs_bsize						\
	    : (fragroundup(fs, blkoff(fs, (ip)->i_size))))
#define dblksize(fs, dip, lbn)						\
	(((lbn) >= NDADDR || (dip)->di_size >= (u_int64_t)((lbn) + 1) << (fs)->fs_bshift) \
	    ? (fs)->fs_bsize						\
	    : (fragroundup(fs, blkoff(fs, (dip)->di_size))))

#define NSPB(fs)	((fs)->fs_nspf << (fs)->fs_fragshift)
#define NSPF(fs)	((fs)->fs_nspf)
#define INOPB(fs)	((fs)->fs_inopb)
#define INOPF(fs)	((fs)->fs_inopb >> (fs)->fs_fragshift)
#define NINDIR(fs)	((fs)->fs_nindir)
#endif /* !_UFS_FFS_FS_H_ */
