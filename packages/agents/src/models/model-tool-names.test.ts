import { describe, expect, it } from 'vitest';
import { modelToolNamesOf } from './model-tool-names.ts';

const providerSafe = /^[A-Za-z0-9_-]{1,64}$/;

describe('modelToolNamesOf', () => {
  it('keeps safe names and replaces the dot of MCP names', () => {
    const names = modelToolNamesOf(['calculator', 'lookup-order', 'remote.add', 'files.read.text']);
    expect(names.toModel('calculator')).toBe('calculator');
    expect(names.toModel('lookup-order')).toBe('lookup-order');
    expect(names.toModel('remote.add')).toBe('remote_add');
    expect(names.toModel('files.read.text')).toBe('files_read_text');
    expect(names.toDeclared('remote_add')).toBe('remote.add');
    expect(names.toDeclared('files_read_text')).toBe('files.read.text');
  });

  it('tells apart names that would be sent alike, whatever their order', () => {
    const declared = ['remote_add', 'remote.add', 'a.b_c', 'a_b.c'];
    const names = modelToolNamesOf(declared);
    // The name that is already safe keeps it; the others get a hash of their declared name.
    expect(names.toModel('remote_add')).toBe('remote_add');
    expect(names.toModel('remote.add')).toMatch(/^remote_add_[0-9a-f]{8}$/);
    expect(names.toModel('a.b_c')).toMatch(/^a_b_c_[0-9a-f]{8}$/);
    expect(names.toModel('a_b.c')).toMatch(/^a_b_c_[0-9a-f]{8}$/);
    const sent = declared.map((name) => names.toModel(name));
    expect(new Set(sent).size).toBe(declared.length);

    const reordered = modelToolNamesOf([...declared].reverse());
    expect(declared.map((name) => reordered.toModel(name))).toEqual(sent);
  });

  it('cuts long names to 64 characters with a hash that keeps them apart', () => {
    const server = 's'.repeat(32);
    const first = `${server}.${'t'.repeat(60)}a`;
    const second = `${server}.${'t'.repeat(60)}b`;
    const names = modelToolNamesOf([first, second]);
    const [sentFirst, sentSecond] = [names.toModel(first), names.toModel(second)];
    expect(sentFirst).toHaveLength(64);
    expect(sentFirst).toMatch(providerSafe);
    expect(sentSecond).toMatch(providerSafe);
    expect(sentFirst).not.toBe(sentSecond);
    expect(sentFirst.startsWith(`${server}_ttt`)).toBe(true);
  });

  it('round-trips every offered name and leaves names it never offered alone', () => {
    const declared = [
      'calculator',
      'remote.add',
      'remote_add',
      'x.y.z',
      'x_y.z',
      `${'k'.repeat(32)}.${'v'.repeat(64)}`,
      `${'k'.repeat(32)}.${'v'.repeat(63)}.`,
    ];
    const names = modelToolNamesOf(declared);
    for (const name of declared) {
      expect(names.toModel(name)).toMatch(providerSafe);
      expect(names.toDeclared(names.toModel(name))).toBe(name);
    }
    expect(names.toDeclared('made_up')).toBe('made_up');
    // An earlier call of a tool not offered is still replayed under a name the provider accepts.
    expect(names.toModel('gone.tool')).toMatch(providerSafe);
    expect(names.toModel('gone.tool')).toBe(modelToolNamesOf([]).toModel('gone.tool'));
  });
});
