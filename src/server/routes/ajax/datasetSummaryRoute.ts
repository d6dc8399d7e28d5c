import { invalidParameter } from '../../../core/errors';
import type { Route } from '../../route';
import { RequestFields } from '../tracking/requestFields';
import { requireJsonContentType } from './contentTypeCheck';

const maxExperimentIds = 20;

/** `POST /ajax-api/2.0/mlflow/experiments/search-datasets` (SearchDatasets): the datasets the UI lists per experiment. */
export const datasetSummaryRoute: Route = {
  method: 'POST',
  path: '/ajax-api/2.0/mlflow/experiments/search-datasets',
  handler: (context) => {
    requireJsonContentType(context);
    const experimentIds = RequestFields.of(context, 'BODY').strings('experiment_ids');
    if (experimentIds.length === 0) throw invalidParameter('SearchDatasets request must specify at least one experiment_id.');
    if (experimentIds.length > maxExperimentIds) {
      throw invalidParameter(
        `SearchDatasets request cannot specify more than ${maxExperimentIds} experiment_ids. Received ${experimentIds.length} experiment_ids.`,
      );
    }
    const summaries = context.store.searchDatasetSummaries(experimentIds);
    return summaries.length > 0 ? { dataset_summaries: summaries } : {};
  },
};
