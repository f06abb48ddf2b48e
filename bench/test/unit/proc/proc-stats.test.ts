import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCpuMs, parseStatusBytes, sampleProcess } from '../../../src/proc/proc-stats';

describe('parseCpuMs', () => {
  it('when the command name holds spaces and parentheses, still finds utime and stime', () => {
    const stat = '4242 (node (main) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0';
    assert.equal(parseCpuMs(stat, 100), 3000);
  });

  it('when the line is cut short, throws', () => {
    assert.throws(() => parseCpuMs('4242 (node) S 1 2', 100), /utime and stime/);
  });
});

describe('parseStatusBytes', () => {
  const status = 'Name:\tnode\nVmPeak:\t  900000 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n';

  it('when asked for VmHWM and VmRSS, converts the kernel kB into bytes', () => {
    assert.equal(parseStatusBytes(status, 'VmHWM'), 204800 * 1024);
    assert.equal(parseStatusBytes(status, 'VmRSS'), 102400 * 1024);
  });

  it('when the field is missing (a kernel thread), throws', () => {
    assert.throws(() => parseStatusBytes('Name:\tkthreadd\n', 'VmRSS'), /no VmRSS line/);
  });
});

describe('sampleProcess', () => {
  it('when given its own pid, reports CPU time and a peak RSS no lower than the current RSS', () => {
    const sample = sampleProcess(process.pid);
    assert.ok(sample.cpuMs > 0);
    assert.ok(sample.rssBytes > 0);
    assert.ok(sample.peakRssBytes >= sample.rssBytes);
  });
});
