"""Golden fixtures for EmberVision's image decoders and PIL-path transforms.

Writes, next to this script:

  images/*.jpg, images/*.png   small synthetic, photo-like test images (gradients, seeded
                               noise, hard edges; odd sizes so chroma-subsampling and
                               bit-packing edges are exercised) and a few bad files
  images.safetensors           the pixels Pillow decodes from each good image
  transforms.safetensors       torchvision.transforms.functional results on two of them,
                               and Resize(256) + CenterCrop(224) of four real photographs
  photo_crops_used.txt         the photographs used, in order (photo0 ... photo3)

Run by hand from the repository root (needs Pillow built with libjpeg-turbo, numpy,
torch, torchvision, safetensors):

    /work/venv/bin/python Tests/Fixtures/generate_images.py

Deterministic: every image comes from a numpy Generator with a fixed seed, and the
encoders (Pillow's, and the small PNG writer below for what Pillow cannot write) have no
timestamps, so a rerun with the same Pillow/zlib rewrites byte-identical files.

Good images (W x H; all 8-bit unless noted):

  baseline_420.jpg    37x23 RGB, quality 90, 4:2:0
  baseline_444.jpg    64x48 RGB, quality 90, 4:4:4
  progressive.jpg     37x23 RGB, quality 90, progressive, 4:2:0
  gray.jpg            37x23 L, quality 90
  cmyk.jpg            37x23 CMYK, quality 90 (Pillow writes an Adobe APP14 marker and
                      inverted values, as Photoshop does)
  rgb.png             37x23 RGB
  rgba.png            37x23 RGBA (alpha from 0 to 255, with fully transparent and fully
                      opaque blocks)
  gray8.png           64x48 L (not gray.png: keys are named by file stem, and gray.jpg
                      has that one)
  gray_alpha.png      37x23 LA
  palette.png         37x23 P, 16-colour palette (Pillow writes bit depth 4)
  palette_transparency.png
                      64x48 P, 32-colour palette (bit depth 8) with a tRNS chunk making
                      index 3 fully transparent
  gray16.png          37x23 16-bit gray (Pillow mode I;16), values 0 ... 65535
  rgb16.png           37x23 16-bit RGB (colour type 2, bit depth 16), written by
                      `write_png` below; rows use filter types 0, 1, 2, 3, 4 in turn
  interlaced.png      37x23 RGB, Adam7 interlaced, written by `write_png` below
  gray1bit.png        37x23 mode 1 (bit depth 1 gray)

Bad images, for error tests:

  truncated.jpg       the first 60% of the bytes of baseline_420.jpg
  truncated.png       the first 60% of the bytes of rgb.png
  not_an_image.jpg    a text file
  bomb.png            signature, an IHDR claiming 20000x20000 RGB 8-bit (valid CRC), an
                      IDAT holding two zero rows, IEND: the header alone asks for 1.2 GB
  empty.png           0 bytes

images.safetensors keys, NAME = file stem of a good image, all uint8 HWC unless noted:

  NAME.rgb        np.asarray(Image.open(path).convert("RGB")), [H, W, 3]: what
                  torchvision's ImageFolder loader gives. Pillow drops alpha (RGBA, LA,
                  and P with tRNS) without compositing; CMYK becomes
                  (255 - C) * (255 - K) / 255 per channel; 16-bit files are first cut
                  to 8 bits by Pillow itself (gray16: clipped, every value over 255 is
                  255; rgb16: the high byte, v >> 8)
  NAME.native     the file's own 8-bit layout: L [H, W, 1], LA [H, W, 2],
                  RGB [H, W, 3], RGBA [H, W, 4]; absent for P, CMYK, 16-bit and 1-bit files
  NAME.rgba       P files only: Image.open(path).convert("RGBA"), [H, W, 4] (tRNS expanded)
  cmyk.cmyk       np.asarray(Image.open("cmyk.jpg")), [H, W, 4]: CMYK as Pillow shows
                  it, 0 = no ink. libjpeg returns the stored Adobe values, 255 - these
  NAME.rgb16      16-bit files only: the raw 16-bit values, int64 [H, W, C]
                  (C = 1 for gray16, 3 for rgb16)
  NAME.scaled8    16-bit files only: round(v / 257) == (v * 255 + 32767) / 65535 of
                  NAME.rgb16, uint8 [H, W, C]

transforms.safetensors keys, NAME in baseline_444 (64x48) and rgb (37x23), the input being
Image.open(path).convert("RGB"); every result is the PIL image as uint8 HWC:

  NAME.in                          the input itself, [H, W, 3]
  NAME.resize_17                   F.resize(img, 17) (bilinear, antialiased; smaller edge 17)
  NAME.resize_20x30_nearest        F.resize(img, [20, 30], NEAREST)
  NAME.resize_20x30_bicubic        F.resize(img, [20, 30], BICUBIC)
  NAME.resize_40x70_bilinear       F.resize(img, [40, 70], BILINEAR)
  NAME.center_crop_16              F.center_crop(img, 16)
  NAME.center_crop_50x70           F.center_crop(img, [50, 70]) (larger: padded with 0)
  NAME.hflip / NAME.vflip          F.hflip(img) / F.vflip(img)
  NAME.pad_3_reflect               F.pad(img, 3, padding_mode="reflect")
  NAME.pad_2_5_constant_fill7      F.pad(img, [2, 5], fill=7) (2 left/right, 5 top/bottom)
  NAME.grayscale_1                 F.to_grayscale(img, 1), [H, W, 1]
  NAME.grayscale_3                 F.to_grayscale(img, 3)
  NAME.adjust_brightness_1_4       F.adjust_brightness(img, 1.4)
  NAME.adjust_contrast_0_6         F.adjust_contrast(img, 0.6)
  NAME.adjust_saturation_1_7       F.adjust_saturation(img, 1.7)
  NAME.adjust_hue_0_2              F.adjust_hue(img, 0.2)
  NAME.adjust_hue_m0_3             F.adjust_hue(img, -0.3)
  NAME.rotate_30                   F.rotate(img, 30) (nearest, expand=False, fill 0)
  NAME.rotate_30_expand_bilinear   F.rotate(img, 30, BILINEAR, expand=True)
  NAME.resized_crop_3_5_20_25_to_16
                                   F.resized_crop(img, 3, 5, 20, 25, 16) (smaller edge 16)
  NAME.to_tensor                   F.to_tensor(img), float32 [3, H, W]
  photoK.eval_u8                   K = 0 ... 3: Compose([Resize(256), CenterCrop(224)]) of
                                   Image.open(p).convert("RGB") for the K-th file (sorted
                                   by name) of ../shared/data/photo-crops, [224, 224, 3];
                                   written only when that folder is present
"""

import os
import struct
import sys
import zlib

import numpy as np
import PIL
import PIL.features
import torch
import torchvision
from fixture_file import write_fixture
from PIL import Image
from torchvision import transforms
from torchvision.transforms import InterpolationMode
from torchvision.transforms import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
IMAGES = os.path.join(HERE, "images")
PHOTOS = os.path.join(REPO, "..", "shared", "data", "photo-crops")
PHOTO_COUNT = 4
IMAGES_LIMIT = 200 * 1024

SMALL = (23, 37)   # (H, W)
LARGE = (48, 64)


# ---------------------------------------------------------------------------- synthesis

def photo_like(shape, seed):
    """A float RGB image in 0 ... 255 (before clipping): smooth gradients and a radial
    falloff, seeded Gaussian noise, and hard edges (a black block, a saturated disc, a
    white diagonal line) that reach 0 and 255."""
    h, w = shape
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    u, v = x / (w - 1), y / (h - 1)
    r = 30 + 190 * u + 25 * np.sin(2 * np.pi * 1.3 * v)
    g = 50 + 150 * v + 35 * np.cos(2 * np.pi * (0.7 * u + 0.4 * v))
    b = 210 - 170 * np.hypot(u - 0.6, v - 0.3)
    img = np.stack([r, g, b], axis=-1) + rng.normal(0, 7, (h, w, 3))
    img[h // 5: h // 2, w // 6: w // 2] = (0, 0, 0)                          # black block
    disc = np.hypot(x - 0.72 * w, y - 0.68 * h) < 0.22 * min(h, w)
    img[disc] = (235, 25, 40)                                               # red disc
    line = np.abs((x - 0.1 * w) * (h / w) - (y - 0.05 * h) * 1.0) < 0.6
    img[line] = (255, 255, 255)                                             # white line
    return img


def to_u8(a):
    return np.clip(np.rint(a), 0, 255).astype(np.uint8)


def luma(rgb):
    return rgb[..., 0] * 0.299 + rgb[..., 1] * 0.587 + rgb[..., 2] * 0.114


def alpha_channel(shape, seed):
    """An alpha ramp with a fully transparent block, a fully opaque block and noise."""
    h, w = shape
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    a = 255 * x / (w - 1) * (0.6 + 0.4 * y / (h - 1)) + rng.normal(0, 4, (h, w))
    a[: h // 3, : w // 4] = 0
    a[-(h // 3):, -(w // 4):] = 255
    return to_u8(a)


def palette_image(shape, colors, seed):
    """Palette indices and a palette of `colors` entries (numpy uint8 [colors, 3])."""
    h, w = shape
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    level = (x / w * 0.7 + y / h * 0.3) * colors + rng.normal(0, 0.8, (h, w))
    idx = np.clip(np.floor(level), 0, colors - 1).astype(np.uint8)
    idx[h // 3: 2 * h // 3, w // 3: w // 2] = colors - 1                   # hard-edged block
    idx[:, w - 3:] = 3                                                      # column of index 3
    t = np.arange(colors) / max(colors - 1, 1)
    pal = np.stack([255 * t, 255 * (1 - t) ** 1.5, 128 + 120 * np.sin(7 * t)], axis=-1)
    pal = to_u8(pal + rng.normal(0, 10, pal.shape))
    return idx, pal


def from_array(a, mode):
    """A Pillow image of `mode` holding the uint8 array `a` ([h, w] or [h, w, c])."""
    return Image.frombytes(mode, (a.shape[1], a.shape[0]), np.ascontiguousarray(a, dtype=np.uint8).tobytes())


def p_image(idx, pal):
    im = from_array(idx, "P")
    im.putpalette(pal.reshape(-1).tolist())
    return im


def gray16_values(shape, seed):
    """16-bit gray covering 0 ... 65535, including both ends and values next to the
    v / 257 rounding boundaries."""
    h, w = shape
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    v = 65535 * (0.8 * x / (w - 1) + 0.2 * y / (h - 1)) + rng.normal(0, 600, (h, w))
    v = np.clip(np.rint(v), 0, 65535).astype(np.int64)
    v[0, 0], v[0, 1], v[0, 2], v[0, 3] = 0, 65535, 128, 129                  # ends, 0/1 edge
    v[1, :8] = [32767, 32768, 257 * 100 + 128, 257 * 100 + 129, 1, 256, 257, 65534]
    v[h // 2, w // 3: w // 2] = 0
    return v


def rgb16_values(shape, seed):
    rgb = photo_like(shape, seed) / 255.0
    rng = np.random.default_rng(seed + 1)
    v = np.clip(np.rint(rgb * 65535 + rng.normal(0, 300, rgb.shape)), 0, 65535).astype(np.int64)
    v[0, 0] = (0, 65535, 128)
    v[0, 1] = (129, 32767, 32768)
    return v


# ---------------------------------------------------------------------------- PNG writer

ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def png_chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filter_rows(rows, bpp, first_filter):
    """Filters scanlines (bytes each) with filter types 0 ... 4 in turn, starting at
    `first_filter`; returns the filtered bytes and the next filter type."""
    out = bytearray()
    prev = bytes(len(rows[0])) if rows else b""
    ft = first_filter
    for row in rows:
        out.append(ft)
        for j, cur in enumerate(row):
            a = row[j - bpp] if j >= bpp else 0
            b = prev[j]
            c = prev[j - bpp] if j >= bpp else 0
            pred = (0, a, b, (a + b) // 2, paeth(a, b, c))[ft]
            out.append((cur - pred) & 0xFF)
        prev = row
        ft = (ft + 1) % 5
    return out, ft


def scanlines(values, bit_depth):
    """Rows of a [h, w, c] integer array as big-endian bytes (8- or 16-bit samples)."""
    dtype = ">u2" if bit_depth == 16 else "u1"
    return [values[i].astype(dtype).tobytes() for i in range(values.shape[0])]


def write_png(path, values, color_type, bit_depth, interlace=False):
    """A minimal PNG encoder for 8/16-bit gray (0), RGB (2), gray+alpha (4), RGBA (6)."""
    h, w, c = values.shape
    bpp = c * bit_depth // 8
    if interlace:
        data, ft = bytearray(), 0
        for x0, y0, dx, dy in ADAM7:
            sub = values[y0::dy, x0::dx]
            if sub.size:
                part, ft = filter_rows(scanlines(sub, bit_depth), bpp, ft)
                data += part
    else:
        data, _ = filter_rows(scanlines(values, bit_depth), bpp, 0)
    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, 1 if interlace else 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                + png_chunk(b"IDAT", zlib.compress(bytes(data), 9)) + png_chunk(b"IEND", b""))


def read_png_raw(path):
    """Decodes what `write_png` writes (a check on it, independent of Pillow): returns
    the raw samples as int64 [h, w, c]."""
    with open(path, "rb") as f:
        blob = f.read()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, ihdr = 8, b"", None
    while pos < len(blob):
        (n,), tag = struct.unpack(">I", blob[pos:pos + 4]), blob[pos + 4:pos + 8]
        body = blob[pos + 8:pos + 8 + n]
        assert struct.unpack(">I", blob[pos + 8 + n:pos + 12 + n])[0] == zlib.crc32(tag + body) & 0xFFFFFFFF
        if tag == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif tag == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    c = {0: 1, 2: 3, 4: 2, 6: 4}[ctype]
    bpp = c * depth // 8
    raw = zlib.decompress(idat)
    out = np.zeros((h, w, c), dtype=np.int64)
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    pos = 0
    for x0, y0, dx, dy in passes:
        pw, ph = len(range(x0, w, dx)), len(range(y0, h, dy))
        if pw == 0 or ph == 0:
            continue
        stride = pw * bpp
        prev = bytearray(stride)
        rows = []
        for _ in range(ph):
            ft, line = raw[pos], bytearray(raw[pos + 1:pos + 1 + stride])
            pos += 1 + stride
            for j in range(stride):
                a = line[j - bpp] if j >= bpp else 0
                b = prev[j]
                cc = prev[j - bpp] if j >= bpp else 0
                line[j] = (line[j] + (0, a, b, (a + b) // 2, paeth(a, b, cc))[ft]) & 0xFF
            rows.append(bytes(line))
            prev = line
        dtype = ">u2" if depth == 16 else "u1"
        sub = np.frombuffer(b"".join(rows), dtype=dtype).astype(np.int64).reshape(ph, pw, c)
        out[y0::dy, x0::dx] = sub
    assert pos == len(raw)
    return out


# ---------------------------------------------------------------------------- writing

def make_images():
    """Writes every image; returns {stem: path} of the good ones in writing order and
    the raw 16-bit values of the 16-bit files."""
    os.makedirs(IMAGES, exist_ok=True)
    good, raw16 = {}, {}

    def path_of(name):
        return os.path.join(IMAGES, name)

    def save(im, name, **kw):
        im.save(path_of(name), **kw)
        add(name)

    def add(name):
        stem = os.path.splitext(name)[0]
        assert stem not in good, f"two good images named {stem}: keys would collide"
        good[stem] = path_of(name)

    rgb_small = to_u8(photo_like(SMALL, 1))
    rgb_large = to_u8(photo_like(LARGE, 2))
    save(from_array(rgb_small, "RGB"), "baseline_420.jpg", quality=90, subsampling="4:2:0")
    save(from_array(rgb_large, "RGB"), "baseline_444.jpg", quality=90, subsampling="4:4:4")
    save(from_array(to_u8(photo_like(SMALL, 3)), "RGB"), "progressive.jpg",
         quality=90, progressive=True, subsampling="4:2:0")
    save(from_array(to_u8(luma(photo_like(SMALL, 4))), "L"), "gray.jpg", quality=90)
    cmy = 255 - to_u8(photo_like(SMALL, 5)).astype(np.int64)
    k = np.minimum(cmy.min(axis=-1), 200) // 2
    cmyk = np.concatenate([cmy - k[..., None], k[..., None]], axis=-1).astype(np.uint8)
    save(from_array(cmyk, "CMYK"), "cmyk.jpg", quality=90)

    save(from_array(to_u8(photo_like(SMALL, 6)), "RGB"), "rgb.png")
    rgba = np.concatenate([to_u8(photo_like(SMALL, 7)), alpha_channel(SMALL, 8)[..., None]], axis=-1)
    save(from_array(rgba, "RGBA"), "rgba.png")
    save(from_array(to_u8(luma(photo_like(LARGE, 9))), "L"), "gray8.png")
    la = np.stack([to_u8(luma(photo_like(SMALL, 10))), alpha_channel(SMALL, 11)], axis=-1)
    save(from_array(la, "LA"), "gray_alpha.png")
    save(p_image(*palette_image(SMALL, 16, 12)), "palette.png")
    save(p_image(*palette_image(LARGE, 32, 13)), "palette_transparency.png", transparency=3)

    g16 = gray16_values(SMALL, 14)
    save(Image.frombytes("I;16", SMALL[::-1], g16.astype("<u2").tobytes()), "gray16.png")
    raw16["gray16"] = g16[..., None]
    r16 = rgb16_values(SMALL, 15)
    write_png(path_of("rgb16.png"), r16, color_type=2, bit_depth=16)
    add("rgb16.png")
    raw16["rgb16"] = r16
    inter = to_u8(photo_like(SMALL, 16))
    write_png(path_of("interlaced.png"), inter.astype(np.int64), color_type=2, bit_depth=8, interlace=True)
    add("interlaced.png")
    bits = (luma(photo_like(SMALL, 17)) + np.random.default_rng(18).normal(0, 25, SMALL)) > 128
    save(Image.fromarray(bits), "gray1bit.png")

    # Checks of the hand-written PNGs and of what Pillow wrote.
    assert np.array_equal(read_png_raw(path_of("rgb16.png")), r16)
    assert np.array_equal(read_png_raw(path_of("interlaced.png")), inter)
    with Image.open(path_of("interlaced.png")) as im:
        assert im.info.get("interlace") == 1 and np.array_equal(np.asarray(im), inter)
    with Image.open(path_of("gray16.png")) as im:
        assert im.mode in ("I", "I;16") and np.array_equal(np.asarray(im).astype(np.int64), g16)
    with open(path_of("gray16.png"), "rb") as f:
        assert f.read(26)[24:26] == b"\x10\x00"        # IHDR: bit depth 16, colour type 0
    with open(path_of("palette.png"), "rb") as f:
        assert f.read(26)[24:26] == b"\x04\x03"        # bit depth 4, colour type 3
    with open(path_of("gray1bit.png"), "rb") as f:
        assert f.read(26)[24:26] == b"\x01\x00"        # bit depth 1, colour type 0

    # Bad files.
    for src, dst in [("baseline_420.jpg", "truncated.jpg"), ("rgb.png", "truncated.png")]:
        with open(path_of(src), "rb") as f:
            blob = f.read()
        with open(path_of(dst), "wb") as f:
            f.write(blob[: len(blob) * 6 // 10])
    with open(path_of("not_an_image.jpg"), "w") as f:
        f.write("This is a text file, not a JPEG image.\n")
    ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0)
    with open(path_of("bomb.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
                + png_chunk(b"IDAT", zlib.compress(bytes(2 * (1 + 3 * 20000)), 9)) + png_chunk(b"IEND", b""))
    open(path_of("empty.png"), "wb").close()
    return good, raw16


def image_tensors(good, raw16):
    tensors = {}
    for name, path in good.items():
        with Image.open(path) as im:
            mode = im.mode
            tensors[f"{name}.rgb"] = np.asarray(im.convert("RGB"))
            if mode in ("L", "LA", "RGB", "RGBA") and name not in raw16:   # Pillow opens rgb16 as RGB
                a = np.asarray(im)
                tensors[f"{name}.native"] = a[..., None] if a.ndim == 2 else a
            if mode == "P":
                tensors[f"{name}.rgba"] = np.asarray(im.convert("RGBA"))
            if mode == "CMYK":
                tensors[f"{name}.cmyk"] = np.asarray(im)
        if name in raw16:
            v = raw16[name]
            scaled = (v * 255 + 32767) // 65535
            assert np.array_equal(scaled, np.rint(v / 257).astype(np.int64))
            tensors[f"{name}.rgb16"] = v
            tensors[f"{name}.scaled8"] = scaled.astype(np.uint8)
    return tensors


def hwc(im):
    a = np.asarray(im)
    return a[..., None] if a.ndim == 2 else a


def transform_tensors():
    tensors = {}
    for name in ("baseline_444", "rgb"):
        ext = ".jpg" if name.startswith("baseline") else ".png"
        with Image.open(os.path.join(IMAGES, name + ext)) as im:
            img = im.convert("RGB")
        cases = {
            "in": img,
            "resize_17": F.resize(img, 17),
            "resize_20x30_nearest": F.resize(img, [20, 30], InterpolationMode.NEAREST),
            "resize_20x30_bicubic": F.resize(img, [20, 30], InterpolationMode.BICUBIC),
            "resize_40x70_bilinear": F.resize(img, [40, 70], InterpolationMode.BILINEAR),
            "center_crop_16": F.center_crop(img, 16),
            "center_crop_50x70": F.center_crop(img, [50, 70]),
            "hflip": F.hflip(img),
            "vflip": F.vflip(img),
            "pad_3_reflect": F.pad(img, 3, padding_mode="reflect"),
            "pad_2_5_constant_fill7": F.pad(img, [2, 5], fill=7),
            "grayscale_1": F.to_grayscale(img, 1),
            "grayscale_3": F.to_grayscale(img, 3),
            "adjust_brightness_1_4": F.adjust_brightness(img, 1.4),
            "adjust_contrast_0_6": F.adjust_contrast(img, 0.6),
            "adjust_saturation_1_7": F.adjust_saturation(img, 1.7),
            "adjust_hue_0_2": F.adjust_hue(img, 0.2),
            "adjust_hue_m0_3": F.adjust_hue(img, -0.3),
            "rotate_30": F.rotate(img, 30),
            "rotate_30_expand_bilinear": F.rotate(img, 30, InterpolationMode.BILINEAR, expand=True),
            "resized_crop_3_5_20_25_to_16": F.resized_crop(img, 3, 5, 20, 25, 16),
        }
        for key, out in cases.items():
            tensors[f"{name}.{key}"] = hwc(out)
        tensors[f"{name}.to_tensor"] = F.to_tensor(img)
    used = []
    if os.path.isdir(PHOTOS):
        used = sorted(f for f in os.listdir(PHOTOS) if f.lower().endswith(".jpg"))[:PHOTO_COUNT]
        eval_u8 = transforms.Compose([transforms.Resize(256), transforms.CenterCrop(224)])
        for k, fname in enumerate(used):
            with Image.open(os.path.join(PHOTOS, fname)) as im:
                out = hwc(eval_u8(im.convert("RGB")))
            assert out.shape == (224, 224, 3)
            tensors[f"photo{k}.eval_u8"] = out
    return tensors, used


def as_torch(tensors):
    return {k: (v if isinstance(v, torch.Tensor) else torch.from_numpy(np.array(v)))
            for k, v in sorted(tensors.items())}


def main():
    if not PIL.features.check_feature("libjpeg_turbo"):
        print("error: Pillow's JPEG codec is not libjpeg-turbo", file=sys.stderr)
        return 1
    turbo = PIL.features.version("libjpeg_turbo")
    print(f"Pillow {PIL.__version__}, libjpeg-turbo {turbo}, zlib {PIL.features.version('zlib')}, "
          f"torchvision {torchvision.__version__}")
    generator = f"Pillow {PIL.__version__}, libjpeg-turbo {turbo}"

    good, raw16 = make_images()
    sizes = {f: os.path.getsize(os.path.join(IMAGES, f)) for f in sorted(os.listdir(IMAGES))}
    total = sum(sizes.values())
    for f, n in sizes.items():
        print(f"  images/{f}: {n} bytes")
    print(f"images/: {len(sizes)} files, {total} bytes ({total / 1024:.1f} KiB)")
    status = 0
    if total >= IMAGES_LIMIT:
        print(f"warning: images/ is over {IMAGES_LIMIT // 1024} KB", file=sys.stderr)
        status = 1

    status |= write_fixture(as_torch(image_tensors(good, raw16)), os.path.join(HERE, "images.safetensors"),
                            metadata={"generator": generator})
    tensors, used = transform_tensors()
    status |= write_fixture(as_torch(tensors), os.path.join(HERE, "transforms.safetensors"),
                            metadata={"generator": f"{generator}, torchvision {torchvision.__version__}"},
                            size_limit=1024 * 1024)
    if used:
        with open(os.path.join(HERE, "photo_crops_used.txt"), "w") as f:
            f.write("".join(u + "\n" for u in used))
    else:
        print("warning: ../shared/data/photo-crops not found; photoK.eval_u8 not written", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
