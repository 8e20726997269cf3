import { z } from 'zod';

type Schema = Record<string, unknown>;
interface Issue {
  path: (string | number)[];
  message: string;
}

/**
 * The validator for a tool described by a raw JSON Schema: any JSON object, checked for what models most often get
 * wrong (missing required properties, wrong types, values outside an enum, unknown properties where the schema forbids
 * them), so the model gets the same clear `invalid_arguments` error as for built-in tools. Everything else (formats,
 * $ref, combinators) is left to the server, which validates its own input.
 */
export function validatorForJsonSchema(schema: Schema): z.ZodType<Record<string, unknown>> {
  return z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
    for (const issue of check(schema, value, [])) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  });
}

function check(schema: Schema, value: unknown, path: (string | number)[]): Issue[] {
  const type = schema.type;
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string') : [];
  if (types.length && !types.some((t) => hasType(value, t))) return [{ path, message: `expected ${types.join(' or ')}, got ${describe(value)}` }];
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    return [{ path, message: `expected one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` }];
  }
  const issues: Issue[] = [];
  if (isObject(value)) {
    const properties = isObject(schema.properties) ? (schema.properties as Record<string, unknown>) : {};
    if (Array.isArray(schema.required)) {
      for (const key of schema.required) if (typeof key === 'string' && !(key in value)) issues.push({ path: [...path, key], message: 'required property missing' });
    }
    for (const [key, v] of Object.entries(value)) {
      const sub = properties[key];
      if (isObject(sub)) issues.push(...check(sub as Schema, v, [...path, key]));
      else if (schema.additionalProperties === false && !(key in properties)) issues.push({ path: [...path, key], message: `unknown property (expected: ${Object.keys(properties).join(', ') || 'none'})` });
    }
  } else if (Array.isArray(value) && isObject(schema.items)) {
    value.forEach((v, i) => issues.push(...check(schema.items as Schema, v, [...path, i])));
  }
  return issues;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    default:
      return true;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
}
