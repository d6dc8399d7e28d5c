/**
 * A page of search results in MLflow's JSON: like protobuf's JSON printer, MLflow's server leaves
 * out an empty list and an absent next_page_token, and clients tell the last page by the missing token.
 */
export function pageReply(listKey: string, items: readonly unknown[], nextPageToken: string | undefined): Record<string, unknown> {
  return {
    ...(items.length > 0 ? { [listKey]: items } : {}),
    ...(nextPageToken ? { next_page_token: nextPageToken } : {}),
  };
}
