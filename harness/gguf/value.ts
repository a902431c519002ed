// Typed GGUF metadata values. llama.cpp checks a key's stored type (a uint32 key written as int32
// fails to load), so numbers always say their GGUF type; only strings and booleans are bare.
import { GgufValueType } from './format.ts';

export type GgufScalarKind = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'f32' | 'f64' | 'u64' | 'i64';
export type GgufArrayKind = GgufScalarKind | 'string' | 'bool';

export type GgufValue =
  | string
  | boolean
  | { kind: GgufScalarKind; value: number | bigint }
  | { kind: 'array'; of: GgufArrayKind; items: ReadonlyArray<number | bigint | string | boolean> };

export type GgufMetadata = Record<string, GgufValue>;

export const KIND_TO_TYPE: Readonly<Record<GgufArrayKind, number>> = {
  u8: GgufValueType.UINT8,
  i8: GgufValueType.INT8,
  u16: GgufValueType.UINT16,
  i16: GgufValueType.INT16,
  u32: GgufValueType.UINT32,
  i32: GgufValueType.INT32,
  f32: GgufValueType.FLOAT32,
  f64: GgufValueType.FLOAT64,
  u64: GgufValueType.UINT64,
  i64: GgufValueType.INT64,
  string: GgufValueType.STRING,
  bool: GgufValueType.BOOL,
};

export const u32 = (value: number): GgufValue => ({ kind: 'u32', value });
export const i32 = (value: number): GgufValue => ({ kind: 'i32', value });
export const u64 = (value: number | bigint): GgufValue => ({ kind: 'u64', value });
export const f32 = (value: number): GgufValue => ({ kind: 'f32', value });
export const strings = (items: readonly string[]): GgufValue => ({ kind: 'array', of: 'string', items });
export const i32s = (items: readonly number[]): GgufValue => ({ kind: 'array', of: 'i32', items });
export const f32s = (items: readonly number[]): GgufValue => ({ kind: 'array', of: 'f32', items });
