/** How durations are written in Istio fields, for the descriptions. */
export const durationHint = 'a duration such as 250ms, 5s or 1m';
