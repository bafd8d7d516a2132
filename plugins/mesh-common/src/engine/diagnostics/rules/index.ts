/*
 * The rule table: one rule per code of the catalogue, in catalogue order.
 * A test fails when a catalogue code has no rule, a rule no catalogue
 * entry, or a rule no fixture that fires and one that stays quiet
 * (`../__fixtures__/<code>/{fires,quiet}.yaml`).
 */
import type { DiagnosticRule } from '../DiagnosticRule';
import {
  autoscalerAtMaximum,
  autoscalerInactive,
  autoscalerTargetNotFound,
  autoscalerUnableToScale,
  utilizationWithoutRequest,
} from './autoscalers';
import {
  destinationRuleHostNotFound,
  duplicateSubset,
  subsetSelectsNoPods,
  subsetWithoutLabels,
} from './destinationRules';
import {
  conflictingGateways,
  gatewayNotAccepted,
  gatewayPodsNotReady,
  gatewayPortNotOnService,
  gatewaySelectsNoWorkload,
} from './gateways';
import {
  httpRouteGatewayNotFound,
  httpRouteNotAttached,
} from './httpRouteGateways';
import {
  destinationHostNotFound,
  destinationHostTakenLiterally,
  destinationPortNotExposed,
  destinationPortRequired,
  destinationSubsetNotFound,
  httpRouteBackendNotFound,
} from './routeDestinations';
import {
  duplicateDestination,
  invalidRouteRegex,
  singleDestinationWeight,
  unreachableRoutes,
  weightsNotHundred,
} from './routeRules';
import {
  loadBalancerPending,
  namedTargetPortNotFound,
  nodePortOutOfRange,
  portProtocolUnknown,
  servicePodsNotReady,
  serviceSelectsNoPods,
  targetPortNotExposed,
} from './services';
import { conflictingVirtualServices } from './virtualServiceConflicts';
import {
  virtualServiceGatewayNotFound,
  virtualServiceHiddenFromGateway,
  virtualServiceHostNotOnGateway,
} from './virtualServiceGateways';
import {
  autoscalerPinnedAboveTarget,
  observedSplitOff,
  routeFailing,
  tableRule,
  unroutedHost,
} from './traffic';
import { podFailing, replicasUnavailable, rolloutStalled } from './workloads';

/**
 * Every diagnostic rule.
 *
 * @public
 */
export const DIAGNOSTIC_RULES: readonly DiagnosticRule[] = [
  virtualServiceGatewayNotFound,
  destinationHostNotFound,
  destinationSubsetNotFound,
  destinationPortRequired,
  destinationPortNotExposed,
  virtualServiceHostNotOnGateway,
  conflictingVirtualServices,
  weightsNotHundred,
  invalidRouteRegex,
  destinationHostTakenLiterally,
  unreachableRoutes,
  singleDestinationWeight,
  duplicateDestination,
  httpRouteGatewayNotFound,
  httpRouteBackendNotFound,
  virtualServiceHiddenFromGateway,
  httpRouteNotAttached,
  gatewaySelectsNoWorkload,
  conflictingGateways,
  gatewayPortNotOnService,
  gatewayPodsNotReady,
  gatewayNotAccepted,
  destinationRuleHostNotFound,
  subsetSelectsNoPods,
  duplicateSubset,
  subsetWithoutLabels,
  serviceSelectsNoPods,
  targetPortNotExposed,
  portProtocolUnknown,
  nodePortOutOfRange,
  loadBalancerPending,
  servicePodsNotReady,
  namedTargetPortNotFound,
  replicasUnavailable,
  rolloutStalled,
  podFailing,
  autoscalerAtMaximum,
  autoscalerInactive,
  utilizationWithoutRequest,
  autoscalerUnableToScale,
  autoscalerTargetNotFound,
  tableRule(observedSplitOff),
  tableRule(routeFailing),
  tableRule(unroutedHost),
  tableRule(autoscalerPinnedAboveTarget),
];
