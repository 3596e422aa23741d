// The one pixel format between decoding and preprocessing. RGB only: ImageReward feeds the model
// PIL's .convert('RGB'), so alpha is dropped at decode time and nothing downstream has to know
// which file format or colour type the pixels came from.

/** 8-bit RGB pixels, 3 bytes per pixel, row-major, no padding: data.length === width * height * 3. */
export type RgbImage = {
  width: number;
  height: number;
  data: Uint8Array;
};
