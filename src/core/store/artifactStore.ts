/** Run and model artifacts as plain files under `.runlens/artifacts/`, confined to that folder. */
export class ArtifactStore {
  constructor(readonly root: string) {}
}
