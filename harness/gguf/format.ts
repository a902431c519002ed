// GGUF v3 constants shared by the writer, the checker and the fixture builders.
// Source of truth: ggml/include/gguf.h, ggml/src/ggml.c (type_traits) and gguf-py/gguf/constants.py.

/** "GGUF" read as a little-endian uint32. */
export const GGUF_MAGIC = 0x46554747;
export const GGUF_MAGIC_BYTES = Buffer.from('GGUF', 'latin1');
/** The version this project writes. v2 has the same layout and is still read by llama.cpp. */
export const GGUF_VERSION = 3;
export const GGUF_SUPPORTED_VERSIONS: readonly number[] = [2, 3];
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const GGUF_ALIGNMENT_KEY = 'general.alignment';
/** llama.cpp refuses tensors with more dimensions than this. */
export const GGML_MAX_DIMS = 4;
/** magic + version + tensor count + metadata count. */
export const GGUF_HEADER_SIZE = 4 + 4 + 8 + 8;

/** Metadata value types (gguf_type in gguf.h). */
export const GgufValueType = {
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
} as const;
export type GgufValueTypeId = (typeof GgufValueType)[keyof typeof GgufValueType];

/** Byte size of each fixed-size metadata value type; strings and arrays are variable. */
export const GGUF_VALUE_SIZE: Readonly<Record<number, number>> = {
  [GgufValueType.UINT8]: 1,
  [GgufValueType.INT8]: 1,
  [GgufValueType.UINT16]: 2,
  [GgufValueType.INT16]: 2,
  [GgufValueType.UINT32]: 4,
  [GgufValueType.INT32]: 4,
  [GgufValueType.FLOAT32]: 4,
  [GgufValueType.BOOL]: 1,
  [GgufValueType.UINT64]: 8,
  [GgufValueType.INT64]: 8,
  [GgufValueType.FLOAT64]: 8,
};

export function valueTypeName(id: number): string {
  for (const [name, v] of Object.entries(GgufValueType)) if (v === id) return name;
  return `unknown(${id})`;
}

export interface GgmlTypeInfo {
  id: number;
  name: string;
  /** Number of values in one block; 1 for plain scalar types. */
  blockSize: number;
  /** Bytes taken by one block. */
  typeSize: number;
}

// ggml_type ids with block size and bytes per block (ggml.c type_traits). Ids 4, 5 (Q4_2, Q4_3) and
// 31-33, 36-38 (repacked Q4_0/IQ4_NL) are retired: files using them are refused by current llama.cpp.
const GGML_TYPE_TABLE: ReadonlyArray<readonly [number, string, number, number]> = [
  [0, 'F32', 1, 4],
  [1, 'F16', 1, 2],
  [2, 'Q4_0', 32, 18],
  [3, 'Q4_1', 32, 20],
  [6, 'Q5_0', 32, 22],
  [7, 'Q5_1', 32, 24],
  [8, 'Q8_0', 32, 34],
  [9, 'Q8_1', 32, 36],
  [10, 'Q2_K', 256, 84],
  [11, 'Q3_K', 256, 110],
  [12, 'Q4_K', 256, 144],
  [13, 'Q5_K', 256, 176],
  [14, 'Q6_K', 256, 210],
  [15, 'Q8_K', 256, 292],
  [16, 'IQ2_XXS', 256, 66],
  [17, 'IQ2_XS', 256, 74],
  [18, 'IQ3_XXS', 256, 98],
  [19, 'IQ1_S', 256, 50],
  [20, 'IQ4_NL', 32, 18],
  [21, 'IQ3_S', 256, 110],
  [22, 'IQ2_S', 256, 82],
  [23, 'IQ4_XS', 256, 136],
  [24, 'I8', 1, 1],
  [25, 'I16', 1, 2],
  [26, 'I32', 1, 4],
  [27, 'I64', 1, 8],
  [28, 'F64', 1, 8],
  [29, 'IQ1_M', 256, 56],
  [30, 'BF16', 1, 2],
  [34, 'TQ1_0', 256, 54],
  [35, 'TQ2_0', 256, 66],
  [39, 'MXFP4', 32, 17],
  [40, 'NVFP4', 64, 36],
  [41, 'Q1_0', 128, 18],
  [42, 'Q2_0', 64, 18],
];

export const GGML_TYPES: ReadonlyMap<number, GgmlTypeInfo> = new Map(
  GGML_TYPE_TABLE.map(([id, name, blockSize, typeSize]) => [id, { id, name, blockSize, typeSize }]),
);

/** Named ids for the types this project writes. */
export const GgmlType = { F32: 0, F16: 1, Q4_0: 2, Q8_0: 8 } as const;
export type GgmlTypeName = keyof typeof GgmlType;

export function ggmlTypeInfo(type: number | string): GgmlTypeInfo | undefined {
  if (typeof type === 'number') return GGML_TYPES.get(type);
  for (const info of GGML_TYPES.values()) if (info.name === type) return info;
  return undefined;
}

/** Bytes of a tensor's data, or an error text when the row length does not fill whole blocks. */
export function tensorByteSize(info: GgmlTypeInfo, dims: readonly number[]): number | string {
  const ne0 = dims[0] ?? 1;
  if (ne0 % info.blockSize !== 0) {
    return `row length ne[0]=${ne0} is not a multiple of the ${info.name} block size ${info.blockSize}`;
  }
  let rows = 1;
  for (let i = 1; i < dims.length; i++) rows *= dims[i] ?? 1;
  return (ne0 / info.blockSize) * info.typeSize * rows;
}

export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** llama_ftype values as written to general.file_type, named as llama.cpp's quantize tool names them. */
export const LLAMA_FILE_TYPES: Readonly<Record<number, string>> = {
  0: 'F32', 1: 'F16', 2: 'Q4_0', 3: 'Q4_1', 7: 'Q8_0', 8: 'Q5_0', 9: 'Q5_1', 10: 'Q2_K',
  11: 'Q3_K_S', 12: 'Q3_K_M', 13: 'Q3_K_L', 14: 'Q4_K_S', 15: 'Q4_K_M', 16: 'Q5_K_S',
  17: 'Q5_K_M', 18: 'Q6_K', 19: 'IQ2_XXS', 20: 'IQ2_XS', 21: 'Q2_K_S', 22: 'IQ3_XS',
  23: 'IQ3_XXS', 24: 'IQ1_S', 25: 'IQ4_NL', 26: 'IQ3_S', 27: 'IQ3_M', 28: 'IQ2_S', 29: 'IQ2_M',
  30: 'IQ4_XS', 31: 'IQ1_M', 32: 'BF16', 36: 'TQ1_0', 37: 'TQ2_0', 38: 'MXFP4_MOE',
};

/** File types for the tensor types this project writes. */
export const LlamaFileType = { ALL_F32: 0, MOSTLY_F16: 1, MOSTLY_Q4_0: 2, MOSTLY_Q8_0: 7 } as const;

/** `<arch>.pooling_type` (enum llama_pooling_type). */
export const POOLING_TYPES: Readonly<Record<number, string>> = {
  [-1]: 'unspecified', 0: 'none', 1: 'mean', 2: 'cls', 3: 'last', 4: 'rank',
};
export const PoolingType = { NONE: 0, MEAN: 1, CLS: 2, LAST: 3 } as const;
