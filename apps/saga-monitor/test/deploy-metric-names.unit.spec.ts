import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SagaflowMetrics } from '@sagaflow/saga-core';
import type { Pool } from 'pg';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
// not exported by their libraries: the check needs the registrations themselves, not a copy of the names
import { RelayMetrics } from '../../../libs/outbox-relay/src/relay/relay-metrics';
import { reactionCycleGauge } from '../../../libs/saga-core/src/reactions/reaction-cycle-metric';
import { MonitorMetrics } from '../src/metrics/monitor-metrics';
import { promqlMetricNames, seriesNames } from './support/promql-metric-names';

const deploy = resolve(__dirname, '../../../deploy');

/** Every series name the code registers, read from real registries (nothing is scraped or queried). */
function registeredSeries(): Set<string> {
  const registry = new Registry();
  new SagaflowMetrics(registry);
  reactionCycleGauge(registry);
  new RelayMetrics(registry, () => Promise.reject(new Error('not scraped in this test')));
  const monitor = new MonitorMetrics({
    pool: {} as Pool,
    stuckAfterMs: 60_000,
    lag: () => Promise.resolve([]),
  });
  const all = [...registry.getMetricsAsArray(), ...monitor.registry.getMetricsAsArray()];
  return new Set(all.flatMap((m) => seriesNames({ name: m.name, type: String(m.type) })));
}

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function alertRules(): Rule[] {
  const doc = parse(readFileSync(resolve(deploy, 'prometheus/sagaflow-alerts.yml'), 'utf8')) as {
    groups: { name: string; rules: Rule[] }[];
  };
  return doc.groups.flatMap((g) => g.rules);
}

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

function dashboardExpressions(): { where: string; expr: string }[] {
  const doc = JSON.parse(readFileSync(resolve(deploy, 'grafana/sagaflow-dashboard.json'), 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; query?: string }[] };
  };
  const panels = doc.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  const fromPanels = panels.flatMap((p) => (p.targets ?? []).map((t) => ({ where: p.title, expr: t.expr })));
  const fromVariables = doc.templating.list
    .filter((v) => typeof v.query === 'string' && v.query.startsWith('label_values('))
    .map((v) => ({
      where: `variable $${v.name}`,
      // label_values(metric, label): the metric is the first argument
      expr: /^label_values\(([^,)]+)/.exec(v.query!)![1]!,
    }));
  return [...fromPanels, ...fromVariables];
}

describe('deploy/: the dashboard and the alert rules read only metrics the code registers', () => {
  const known = registeredSeries();

  it('finds the registrations of saga-core, the relay and the monitor', () => {
    expect(known).toContain('sagaflow_messages_dead_lettered_total');
    expect(known).toContain('sagaflow_reaction_cycles');
    expect(known).toContain('sagaflow_outbox_oldest_pending_age_seconds');
    expect(known).toContain('sagaflow_monitor_sagas_stuck');
    expect(known).toContain('sagaflow_handler_duration_seconds_bucket');
  });

  it('the extractor sees metric names, not functions, labels, ranges or keywords', () => {
    expect(
      promqlMetricNames(
        'histogram_quantile(0.99, sum by (consumer, le) (rate(a_bucket{job=~"x|y"}[$__rate_interval]))) > 5 and on(job) b',
      ).sort(),
    ).toEqual(['a_bucket', 'b']);
  });

  it('every alert rule is well formed and uses known metrics', () => {
    const rules = alertRules();
    expect(rules.length).toBeGreaterThanOrEqual(5);
    for (const r of rules) {
      expect(r.alert ?? r.record, JSON.stringify(r)).toMatch(/^[A-Za-z_:][A-Za-z0-9_:]*$/);
      expect(typeof r.expr).toBe('string');
      if (r.for !== undefined) expect(r.for).toMatch(/^\d+[smhdwy]$/);
      expect(['warning', 'critical']).toContain(r.labels?.severity);
      expect(r.annotations?.summary, r.alert).toBeTruthy();
      const names = promqlMetricNames(r.expr);
      expect(names.length, `${r.alert} reads no metric`).toBeGreaterThan(0);
      for (const n of names) expect(known, `${r.alert} reads ${n}, which no code registers`).toContain(n);
    }
  });

  it('alerts cover stuck sagas, dead letters, consumer lag, relay backlog and reaction cycles', () => {
    const used = new Set(alertRules().flatMap((r) => promqlMetricNames(r.expr)));
    for (const n of [
      'sagaflow_monitor_sagas_stuck',
      'sagaflow_messages_dead_lettered_total',
      'sagaflow_monitor_consumer_lag',
      'sagaflow_outbox_oldest_pending_age_seconds',
      'sagaflow_reaction_cycles',
    ])
      expect(used).toContain(n);
  });

  it('every dashboard query uses known metrics', () => {
    const exprs = dashboardExpressions();
    expect(exprs.length).toBeGreaterThan(10);
    for (const { where, expr } of exprs) {
      const names = promqlMetricNames(expr);
      expect(names.length, `${where}: ${expr} reads no metric`).toBeGreaterThan(0);
      for (const n of names)
        expect(known, `panel "${where}" reads ${n}, which no code registers`).toContain(n);
    }
  });
});
