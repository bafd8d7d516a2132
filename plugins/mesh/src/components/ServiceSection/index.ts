export {
  ServiceSection,
  ServiceDetails,
  describeReachability,
} from './ServiceSection';
