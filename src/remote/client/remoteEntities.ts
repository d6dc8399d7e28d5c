import type { Dataset, KeyValue } from '../../core/entities';

/** The parts of MLflow's replies a push reads. int64 fields may arrive as strings (proto3 JSON). */
export interface RemoteRun {
  readonly info: {
    readonly run_id: string;
    readonly experiment_id: string;
    readonly status?: string;
    readonly end_time?: number | string;
    readonly lifecycle_stage?: string;
    readonly artifact_uri?: string;
  };
  readonly data?: { readonly params?: KeyValue[]; readonly tags?: KeyValue[] };
  readonly inputs?: {
    readonly dataset_inputs?: { readonly dataset: Dataset; readonly tags?: KeyValue[] }[];
    readonly model_inputs?: { readonly model_id: string }[];
  };
  readonly outputs?: { readonly model_outputs?: { readonly model_id: string; readonly step?: number | string }[] };
}

export interface RemoteExperiment {
  readonly experiment_id: string;
  readonly name: string;
  readonly lifecycle_stage?: string;
}

export interface RemoteLoggedModel {
  readonly info: {
    readonly model_id: string;
    readonly status?: string;
    readonly artifact_uri?: string;
    readonly tags?: KeyValue[];
  };
}
