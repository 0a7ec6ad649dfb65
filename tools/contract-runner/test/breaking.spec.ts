import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { publishedOf, type PublishedContract } from '@slice/contract-tests';
import { menuContract } from '@slice/contracts-menu';
import { gate, publishedPath } from '../src/breaking';

let root: string;
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, stdio: 'pipe' }).toString().trim();
const write = (published: PublishedContract) => {
  const file = join(root, publishedPath('menu'));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(published, null, 2));
};
const commit = (message: string) => {
  git('add', '-A');
  git('-c', 'user.name=test', '-c', 'user.email=test@example.com', 'commit', '-q', '-m', message);
};

/** Menu as published, with one more route than today's contract: today's removes it. */
function withExtraRoute(version = menuContract.service.version): PublishedContract {
  const current = publishedOf(menuContract);
  const listMenu = current.openapi.paths['/menu'] ?? {};
  return {
    ...current,
    service: { ...current.service, version },
    openapi: { ...current.openapi, paths: { ...current.openapi.paths, '/menu/specials': listMenu } },
  };
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'slice-gate-'));
  git('init', '-q', '-b', 'main');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('the breaking-change gate', () => {
  it('passes a branch whose contract matches its base', () => {
    write(publishedOf(menuContract));
    commit('base');
    const result = gate(root, 'menu', 'main');
    expect(result).toMatchObject({ status: 'compared', comparison: { passed: true, breaks: [] } });
  });

  it('fails a branch that removes a route the base published, naming it', () => {
    write(withExtraRoute());
    commit('base');
    git('checkout', '-q', '-b', 'feature');
    write(publishedOf(menuContract));
    commit('drop /menu/specials');
    const result = gate(root, 'menu', 'main');
    expect(result).toMatchObject({ status: 'compared', comparison: { passed: false } });
    expect(result.status === 'compared' && result.comparison.breaks).toEqual(
      expect.arrayContaining([{ where: 'GET /menu/specials', change: 'route removed' }]),
    );
  });

  it('passes the same removal when the base was an older major version', () => {
    write(withExtraRoute('0.9.0'));
    commit('base');
    write(publishedOf(menuContract));
    commit('1.0.0');
    expect(gate(root, 'menu', 'HEAD~1')).toMatchObject({
      status: 'compared',
      comparison: { passed: true, majorRaised: true },
    });
  });

  it('fails a snapshot that no longer matches the contract, before comparing anything', () => {
    write(withExtraRoute());
    commit('base');
    expect(gate(root, 'menu', 'main')).toMatchObject({ status: 'stale-snapshot' });
  });

  it('says so when there is no base to compare with', () => {
    write(publishedOf(menuContract));
    commit('base');
    expect(gate(root, 'menu', 'no-such-branch')).toMatchObject({ status: 'no-base' });
  });
});
