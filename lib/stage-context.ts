import type { IConstruct } from 'constructs';
import { METRICS_NAMESPACE } from '../functions/common/metric-names';
import type { LogLevel } from './settings';

/**
 * What every construct of a stage's stack needs to know about the stage, handed down the construct
 * tree as context (set once by the stack before it adds anything), so that each function's metrics
 * namespace and log level follow the stage without every construct passing them on.
 */
export interface StageContext {
  readonly stage: string;
  readonly logLevel: LogLevel;
}

const KEY = 'om-bigcommerce:stage';

/** Powertools namespace of every metric; the stage makes it its own (nothing is shared with another). */
export const BASE_METRICS_NAMESPACE = METRICS_NAMESPACE;
export const metricsNamespaceFor = (stage: string | undefined) =>
  stage === undefined ? BASE_METRICS_NAMESPACE : `${BASE_METRICS_NAMESPACE}/${stage}`;

export function setStageContext(scope: IConstruct, context: StageContext): void {
  scope.node.setContext(KEY, context);
}

/** The stage's context; undefined for constructs built outside a stage stack (unit tests of one construct). */
export function stageContextOf(scope: IConstruct): StageContext | undefined {
  return scope.node.tryGetContext(KEY) as StageContext | undefined;
}
