/* eslint-disable */
import * as types from './graphql';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment UserFields on User {\n    id\n    email\n    displayName\n    role\n    createdAt\n    lastLoginAt\n    disabledAt\n  }\n": typeof types.UserFieldsFragmentDoc,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": typeof types.ApiKeyFieldsFragmentDoc,
    "\n  query Users {\n    users {\n      ...UserFields\n    }\n  }\n": typeof types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      temporaryPassword\n      user {\n        ...UserFields\n      }\n    }\n  }\n": typeof types.CreateUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserFields\n    }\n  }\n": typeof types.UpdateUserDocument,
    "\n  mutation SetDisabled($id: ID!, $disabled: Boolean!) {\n    setUserDisabled(id: $id, disabled: $disabled) {\n      ...UserFields\n    }\n  }\n": typeof types.SetDisabledDocument,
    "\n  mutation ResetPassword($id: ID!) {\n    resetUserPassword(id: $id)\n  }\n": typeof types.ResetPasswordDocument,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.ApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!) {\n    createApiKey(name: $name) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": typeof types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": typeof types.RevokeApiKeyDocument,
    "\n  query TestTimeline($testId: ID!) {\n    contentTestTimeline(testId: $testId) {\n      day\n      impressions\n      successes\n    }\n  }\n": typeof types.TestTimelineDocument,
    "\n  query Spend($surface: String!, $days: Int, $granularity: Granularity) {\n    explorationSpend(surface: $surface, days: $days, granularity: $granularity) {\n      bucket\n      servedSlots\n      testSlots\n      randomSlots\n      share\n      budget\n    }\n  }\n": typeof types.SpendDocument,
    "\n  query SurfaceSuccess($surface: String!, $days: Int) {\n    surfaceSuccess(surface: $surface, days: $days) {\n      day\n      policyVersion\n      impressions\n      successes\n      rate\n      lower\n      upper\n    }\n  }\n": typeof types.SurfaceSuccessDocument,
    "\n  fragment OpeRunFields on OpeRun {\n    id\n    surfaceKey\n    target\n    modelId\n    config\n    label\n    status\n    progress\n    windowFrom\n    windowTo\n    estimates\n    error\n    createdAt\n    finishedAt\n  }\n": typeof types.OpeRunFieldsFragmentDoc,
    "\n  query OpeRuns($surface: String) {\n    opeRuns(surface: $surface) {\n      ...OpeRunFields\n    }\n  }\n": typeof types.OpeRunsDocument,
    "\n  mutation EvaluatePolicy($surface: String!, $target: OpeTarget!, $modelId: ID, $config: JSON, $days: Int) {\n    evaluatePolicy(surface: $surface, target: $target, modelId: $modelId, config: $config, days: $days) {\n      ...OpeRunFields\n    }\n  }\n": typeof types.EvaluatePolicyDocument,
    "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    surfaceKey\n    version\n    status\n    progress\n    progressMessage\n    dataFrom\n    dataTo\n    rows\n    metrics\n    trainingMs\n    gate\n    canaryShare\n    canaryStats\n    canaryStartedAt\n    statusReason\n    decidedAt\n    createdAt\n  }\n": typeof types.ModelVersionFieldsFragmentDoc,
    "\n  query ModelVersions($surface: String) {\n    modelVersions(surface: $surface) {\n      ...ModelVersionFields\n    }\n  }\n": typeof types.ModelVersionsDocument,
    "\n  mutation TrainModel($surface: String!, $days: Int, $epochs: Int) {\n    trainModel(surface: $surface, days: $days, epochs: $epochs) {\n      ...ModelVersionFields\n    }\n  }\n": typeof types.TrainModelDocument,
    "\n  mutation StartCanary($id: ID!, $share: Float) {\n    startCanary(id: $id, share: $share) {\n      ...ModelVersionFields\n    }\n  }\n": typeof types.StartCanaryDocument,
    "\n  mutation PromoteModel($id: ID!) {\n    promoteModel(id: $id) {\n      ...ModelVersionFields\n    }\n  }\n": typeof types.PromoteModelDocument,
    "\n  mutation RollbackModel($id: ID!) {\n    rollbackModel(id: $id) {\n      ...ModelVersionFields\n    }\n  }\n": typeof types.RollbackModelDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    at\n    actorId\n    actorLabel\n    action\n    entityType\n    entityId\n    before\n    after\n    requestId\n    summary\n  }\n": typeof types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEntryFields\n        }\n      }\n    }\n  }\n": typeof types.AuditLogDocument,
    "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n": typeof types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      user {\n        ...UserFields\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n": typeof types.ChangePasswordDocument,
    "\n  fragment ItemSummaryFields on Item {\n    id\n    slug\n    kind\n    state\n    title\n    defaultLocale\n    locales\n    completeLocales\n    topics\n    updatedAt\n    latestVersionNumber\n    liveVersion {\n      number\n    }\n  }\n": typeof types.ItemSummaryFieldsFragmentDoc,
    "\n  fragment AssetFields on AssetStatusGql {\n    role\n    url\n    status\n    httpStatus\n    error\n    checkedAt\n  }\n": typeof types.AssetFieldsFragmentDoc,
    "\n  fragment ItemVersionFields on ItemVersion {\n    id\n    number\n    createdAt\n    note\n    restoredFrom\n    author {\n      id\n      displayName\n      email\n    }\n  }\n": typeof types.ItemVersionFieldsFragmentDoc,
    "\n  fragment ItemFieldsFields on ItemFieldsGql {\n    slug\n    kind\n    defaultLocale\n    locales\n    localized {\n      locale\n      title\n      subtitle\n      description\n    }\n    durationSeconds\n    media {\n      audioUrl\n      videoUrl\n      artworkUrl\n    }\n    topics\n    collections\n    availability\n    platforms\n    minAppVersion\n    attributes\n    sessions\n  }\n": typeof types.ItemFieldsFieldsFragmentDoc,
    "\n  fragment ItemDetailFields on Item {\n    ...ItemSummaryFields\n    createdAt\n    latestVersion {\n      ...ItemVersionFields\n      fields {\n        ...ItemFieldsFields\n      }\n    }\n    completeness {\n      locale\n      complete\n      missing\n    }\n    readiness {\n      field\n      locale\n      message\n    }\n    assets {\n      ...AssetFields\n    }\n  }\n": typeof types.ItemDetailFieldsFragmentDoc,
    "\n  query Kinds {\n    contentKinds {\n      key\n      label\n      description\n      duration\n      hasSessions\n      localized {\n        title\n        subtitle\n        description\n      }\n      media {\n        audio\n        video\n        artwork\n        playable\n      }\n      attributes {\n        key\n        label\n        required\n        type\n      }\n    }\n  }\n": typeof types.KindsDocument,
    "\n  query Items($filter: ItemFilterInput, $sort: ItemSort, $first: Int, $after: String) {\n    items(filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.ItemsDocument,
    "\n  query Item($id: ID!) {\n    item(id: $id) {\n      ...ItemDetailFields\n    }\n  }\n": typeof types.ItemDocument,
    "\n  query Sessions($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.SessionsDocument,
    "\n  mutation CreateItem($input: ItemInput!) {\n    createItem(input: $input) {\n      ...ItemDetailFields\n    }\n  }\n": typeof types.CreateItemDocument,
    "\n  mutation UpdateItem($id: ID!, $input: ItemInput!, $baseVersion: Int) {\n    updateItem(id: $id, input: $input, baseVersion: $baseVersion) {\n      ...ItemDetailFields\n    }\n  }\n": typeof types.UpdateItemDocument,
    "\n  query Versions($itemId: ID!) {\n    itemVersions(itemId: $itemId) {\n      ...ItemVersionFields\n    }\n  }\n": typeof types.VersionsDocument,
    "\n  query Diff($itemId: ID!, $from: Int!, $to: Int!) {\n    versionDiff(itemId: $itemId, from: $from, to: $to) {\n      path\n      before\n      after\n    }\n  }\n": typeof types.DiffDocument,
    "\n  mutation Restore($itemId: ID!, $number: Int!) {\n    restoreItemVersion(itemId: $itemId, number: $number) {\n      ...ItemDetailFields\n    }\n  }\n": typeof types.RestoreDocument,
    "\n  mutation Recheck($itemId: ID!) {\n    recheckAssets(itemId: $itemId) {\n      ...AssetFields\n    }\n  }\n": typeof types.RecheckDocument,
    "\n  query Assets($id: ID!) {\n    item(id: $id) {\n      assets {\n        ...AssetFields\n      }\n    }\n  }\n": typeof types.AssetsDocument,
    "\n  fragment ImportJobFields on ImportJob {\n    id\n    filename\n    format\n    source\n    state\n    totalRows\n    processedRows\n    createdItems\n    updatedItems\n    unchangedItems\n    failedRows\n    failure\n    createdAt\n    finishedAt\n  }\n": typeof types.ImportJobFieldsFragmentDoc,
    "\n  query ImportJob($id: ID!) {\n    importJob(id: $id) {\n      ...ImportJobFields\n      errors {\n        row\n        slug\n        problems {\n          field\n          message\n        }\n      }\n    }\n  }\n": typeof types.ImportJobDocument,
    "\n  query ImportJobs($limit: Int) {\n    importJobs(limit: $limit) {\n      ...ImportJobFields\n    }\n  }\n": typeof types.ImportJobsDocument,
    "\n  query ReviewQueue {\n    reviewQueue {\n      submittedAt\n      submittedBy\n      item {\n        ...ItemSummaryFields\n      }\n      version {\n        ...ItemVersionFields\n      }\n      changesFromLive {\n        path\n        before\n        after\n      }\n    }\n  }\n": typeof types.ReviewQueueDocument,
    "\n  fragment ItemWorkflowFields on Item {\n    id\n    state\n    latestVersionNumber\n    liveVersion {\n      number\n    }\n    approvedVersion {\n      number\n    }\n    reviews {\n      actorId\n      at\n      comment\n      decision\n      versionNumber\n    }\n    releases {\n      id\n      name\n      state\n      scheduledAt\n      launchedAt\n      timeZone\n    }\n  }\n": typeof types.ItemWorkflowFieldsFragmentDoc,
    "\n  query ItemWorkflow($id: ID!) {\n    item(id: $id) {\n      ...ItemWorkflowFields\n    }\n  }\n": typeof types.ItemWorkflowDocument,
    "\n  mutation Submit($itemId: ID!, $versionNumber: Int) {\n    submitForReview(itemId: $itemId, versionNumber: $versionNumber) {\n      ...ItemWorkflowFields\n    }\n  }\n": typeof types.SubmitDocument,
    "\n  mutation Approve($itemId: ID!, $versionNumber: Int!, $comment: String) {\n    approveVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {\n      ...ItemWorkflowFields\n    }\n  }\n": typeof types.ApproveDocument,
    "\n  mutation Reject($itemId: ID!, $versionNumber: Int!, $comment: String!) {\n    rejectVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {\n      ...ItemWorkflowFields\n    }\n  }\n": typeof types.RejectDocument,
    "\n  fragment ReleaseBaseFields on Release {\n    id\n    name\n    description\n    state\n    scheduledAt\n    timeZone\n    localTime\n    launchedAt\n    failedAt\n    rolledBackAt\n    latenessMs\n    rolloutPercent\n    createdAt\n    updatedAt\n  }\n": typeof types.ReleaseBaseFieldsFragmentDoc,
    "\n  fragment ReleaseSummaryFields on Release {\n    ...ReleaseBaseFields\n    actions {\n      id\n      kind\n      itemId\n      versionNumber\n      item {\n        id\n        title\n      }\n    }\n  }\n": typeof types.ReleaseSummaryFieldsFragmentDoc,
    "\n  fragment ReleaseDetailFields on Release {\n    ...ReleaseBaseFields\n    scheduleRevision\n    audience {\n      locales\n      platforms\n      tiers\n    }\n    failureReasons {\n      code\n      itemId\n      message\n    }\n    rollbackBlockers\n    actions {\n      id\n      kind\n      itemId\n      versionNumber\n      appliedOrder\n      priorLiveVersionId\n      item {\n        id\n        title\n        slug\n        kind\n        state\n        latestVersionNumber\n        liveVersion {\n          id\n          number\n        }\n      }\n    }\n    events {\n      at\n      kind\n      message\n      details\n    }\n  }\n": typeof types.ReleaseDetailFieldsFragmentDoc,
    "\n  fragment ValidationFields on ReleaseValidation {\n    ok\n    blocking {\n      code\n      itemId\n      message\n    }\n    warnings {\n      code\n      itemId\n      message\n    }\n  }\n": typeof types.ValidationFieldsFragmentDoc,
    "\n  query Releases($states: [ReleaseState!], $from: DateTime, $to: DateTime) {\n    releases(states: $states, from: $from, to: $to) {\n      ...ReleaseSummaryFields\n    }\n  }\n": typeof types.ReleasesDocument,
    "\n  query FailedReleases {\n    releases(states: [FAILED]) {\n      id\n      name\n      failedAt\n    }\n  }\n": typeof types.FailedReleasesDocument,
    "\n  query Release($id: ID!) {\n    release(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.ReleaseDocument,
    "\n  query ReleaseValidation($id: ID!) {\n    releaseValidation(id: $id) {\n      ...ValidationFields\n    }\n  }\n": typeof types.ReleaseValidationDocument,
    "\n  mutation CreateRelease($input: ReleaseInput!) {\n    createRelease(input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.CreateReleaseDocument,
    "\n  mutation UpdateRelease($id: ID!, $input: ReleaseUpdate!) {\n    updateRelease(id: $id, input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.UpdateReleaseDocument,
    "\n  mutation AddToRelease($releaseId: ID!, $itemId: ID!, $action: ReleaseActionKind!, $versionNumber: Int) {\n    addToRelease(releaseId: $releaseId, itemId: $itemId, action: $action, versionNumber: $versionNumber) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.AddToReleaseDocument,
    "\n  mutation RemoveFromRelease($releaseId: ID!, $itemId: ID!) {\n    removeFromRelease(releaseId: $releaseId, itemId: $itemId) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.RemoveFromReleaseDocument,
    "\n  mutation ScheduleRelease($id: ID!, $input: ScheduleInputGql!) {\n    scheduleRelease(id: $id, input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.ScheduleReleaseDocument,
    "\n  mutation UnscheduleRelease($id: ID!) {\n    unscheduleRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.UnscheduleReleaseDocument,
    "\n  mutation LaunchNow($id: ID!) {\n    launchReleaseNow(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.LaunchNowDocument,
    "\n  mutation SetRollout($id: ID!, $percent: Int!, $audience: AudienceInput) {\n    setReleaseRollout(id: $id, percent: $percent, audience: $audience) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.SetRolloutDocument,
    "\n  mutation CancelRelease($id: ID!) {\n    cancelRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.CancelReleaseDocument,
    "\n  mutation RollbackRelease($id: ID!) {\n    rollbackRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": typeof types.RollbackReleaseDocument,
    "\n  query VersionNumbers($itemId: ID!) {\n    itemVersions(itemId: $itemId) {\n      id\n      number\n    }\n  }\n": typeof types.VersionNumbersDocument,
    "\n  fragment PickableItemFields on Item {\n    ...ItemSummaryFields\n    approvedVersion {\n      number\n    }\n    reviews {\n      versionNumber\n      decision\n      at\n    }\n  }\n": typeof types.PickableItemFieldsFragmentDoc,
    "\n  query PickItems($filter: ItemFilterInput) {\n    items(filter: $filter, first: 8, sort: UPDATED_DESC) {\n      edges {\n        node {\n          ...PickableItemFields\n        }\n      }\n    }\n  }\n": typeof types.PickItemsDocument,
    "\n  query TimeZones {\n    timeZones\n  }\n": typeof types.TimeZonesDocument,
    "\n  query Resolve($localDateTime: String!, $timeZone: String!) {\n    resolveScheduleTime(localDateTime: $localDateTime, timeZone: $timeZone) {\n      kind\n      instant\n      message\n      options {\n        offsetMinutes\n        instant\n        label\n      }\n    }\n  }\n": typeof types.ResolveDocument,
    "\n  query SchedulerHealth {\n    schedulerHealth {\n      upcoming {\n        ...ReleaseSummaryFields\n      }\n      late {\n        ...ReleaseSummaryFields\n      }\n      failed {\n        ...ReleaseSummaryFields\n        failureReasons {\n          code\n          itemId\n          message\n        }\n      }\n      recentLaunches {\n        ...ReleaseSummaryFields\n      }\n      latenessP50Ms\n      latenessP95Ms\n      latenessMaxMs\n      lastReconcileAt\n      reconcilerHealthy\n      learning {\n        healthy\n        learnIntervalMs\n        labelWindowSeconds\n        passes {\n          pass\n          eventsWaiting\n          eventsWaitingCapped\n          lastFoldAt\n          oldestWaitingSeconds\n        }\n        models {\n          surface\n          updatedAt\n          ageSeconds\n          tasteModel {\n            version\n            fittedAt\n            events\n            gain\n            historyWeight\n          }\n        }\n      }\n    }\n  }\n": typeof types.SchedulerHealthDocument,
    "\n  query ItemReleases($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          id\n          title\n          releases {\n            id\n            name\n            state\n            launchedAt\n          }\n        }\n      }\n    }\n  }\n": typeof types.ItemReleasesDocument,
    "\n  fragment SurfacePinFields on SurfacePin {\n    id\n    itemId\n    position\n    startsAt\n    endsAt\n  }\n": typeof types.SurfacePinFieldsFragmentDoc,
    "\n  fragment SurfaceFields on Surface {\n    id\n    key\n    name\n    description\n    slots\n    candidateRule {\n      kinds\n      topics\n      collections\n    }\n    successEvent\n    explorationBudget\n    randomFloor\n    testQuota\n    testMaxDays\n    testMaxPosition\n    diversity {\n      maxPerKind\n      maxPerTopic\n      firstN\n    }\n    fallbackOrder\n    enabled\n    updatedAt\n    pins {\n      ...SurfacePinFields\n    }\n  }\n": typeof types.SurfaceFieldsFragmentDoc,
    "\n  query Surfaces {\n    surfaces {\n      ...SurfaceFields\n    }\n  }\n": typeof types.SurfacesDocument,
    "\n  query Surface($key: String!) {\n    surface(key: $key) {\n      ...SurfaceFields\n    }\n  }\n": typeof types.SurfaceDocument,
    "\n  mutation CreateSurface($key: String!, $name: String!, $slots: Int!, $input: SurfaceInputGql) {\n    createSurface(key: $key, name: $name, slots: $slots, input: $input) {\n      ...SurfaceFields\n    }\n  }\n": typeof types.CreateSurfaceDocument,
    "\n  mutation UpdateSurface($key: String!, $input: SurfaceInputGql!) {\n    updateSurface(key: $key, input: $input) {\n      ...SurfaceFields\n    }\n  }\n": typeof types.UpdateSurfaceDocument,
    "\n  mutation SetFallback($key: String!, $itemIds: [ID!]!) {\n    setSurfaceFallback(key: $key, itemIds: $itemIds) {\n      ...SurfaceFields\n    }\n  }\n": typeof types.SetFallbackDocument,
    "\n  mutation PinItem($key: String!, $input: PinInput!) {\n    pinItem(key: $key, input: $input) {\n      ...SurfacePinFields\n    }\n  }\n": typeof types.PinItemDocument,
    "\n  mutation UnpinItem($pinId: ID!) {\n    unpinItem(pinId: $pinId)\n  }\n": typeof types.UnpinItemDocument,
    "\n  query ItemsById($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.ItemsByIdDocument,
    "\n  query PlaceableItems($filter: ItemFilterInput) {\n    items(filter: $filter, first: 8, sort: UPDATED_DESC) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": typeof types.PlaceableItemsDocument,
    "\n  query FeedPreview($surface: String!, $persona: PreviewPersonaInput!, $instant: DateTime, $seed: Int) {\n    feedPreview(surface: $surface, persona: $persona, instant: $instant, seed: $seed) {\n      surface\n      instant\n      policyVersion\n      stateRevision\n      candidates\n      eligible\n      seed\n      entries {\n        position\n        reason\n        propensity\n        propensityError\n        itemId\n        slug\n        kind\n        title\n        source\n        inContentTest\n      }\n      personEvents\n      nearestTitles {\n        itemId\n        slug\n        title\n        affinity\n        inSlate\n      }\n    }\n  }\n": typeof types.FeedPreviewDocument,
    "\n  fragment ContentTestFields on ContentTest {\n    id\n    surfaceKey\n    itemId\n    item {\n      title\n      slug\n      kind\n    }\n    status\n    quota\n    maxDays\n    startedAt\n    endsBy\n    impressions\n    exposure\n    successes\n    probBeatsControl\n    rate {\n      mean\n      lower\n      upper\n    }\n    controlRate {\n      mean\n      lower\n      upper\n    }\n    decisionReason\n    decidedAt\n    rule\n    queuePosition\n    evidence {\n      estimate\n      lower\n      upper\n      alwaysValidP\n      controlImpressions\n      controlExposure\n      controlSuccesses\n    }\n  }\n": typeof types.ContentTestFieldsFragmentDoc,
    "\n  query ContentTests($surface: String, $status: ContentTestStatus) {\n    contentTests(surface: $surface, status: $status) {\n      ...ContentTestFields\n    }\n  }\n": typeof types.ContentTestsDocument,
    "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    description\n    events\n    enabled\n    createdAt\n  }\n": typeof types.WebhookEndpointFieldsFragmentDoc,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    endpointId\n    eventId\n    eventType\n    payload\n    status\n    attempts\n    attemptLog {\n      at\n      statusCode\n      error\n      durationMs\n    }\n    lastStatusCode\n    lastError\n    deliveredAt\n    createdAt\n  }\n": typeof types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query WebhookEndpoints {\n    webhookEndpoints {\n      ...WebhookEndpointFields\n    }\n  }\n": typeof types.WebhookEndpointsDocument,
    "\n  query WebhookEventTypes {\n    webhookEventTypes\n  }\n": typeof types.WebhookEventTypesDocument,
    "\n  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      secret\n      endpoint {\n        ...WebhookEndpointFields\n      }\n    }\n  }\n": typeof types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointUpdate!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      ...WebhookEndpointFields\n    }\n  }\n": typeof types.UpdateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": typeof types.DeleteWebhookEndpointDocument,
    "\n  query WebhookDeliveries($endpointId: ID, $limit: Int) {\n    webhookDeliveries(endpointId: $endpointId, limit: $limit) {\n      ...WebhookDeliveryFields\n    }\n  }\n": typeof types.WebhookDeliveriesDocument,
    "\n  mutation RedeliverWebhook($id: ID!) {\n    redeliverWebhook(id: $id) {\n      ...WebhookDeliveryFields\n    }\n  }\n": typeof types.RedeliverWebhookDocument,
};
const documents: Documents = {
    "\n  fragment UserFields on User {\n    id\n    email\n    displayName\n    role\n    createdAt\n    lastLoginAt\n    disabledAt\n  }\n": types.UserFieldsFragmentDoc,
    "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n": types.ApiKeyFieldsFragmentDoc,
    "\n  query Users {\n    users {\n      ...UserFields\n    }\n  }\n": types.UsersDocument,
    "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      temporaryPassword\n      user {\n        ...UserFields\n      }\n    }\n  }\n": types.CreateUserDocument,
    "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserFields\n    }\n  }\n": types.UpdateUserDocument,
    "\n  mutation SetDisabled($id: ID!, $disabled: Boolean!) {\n    setUserDisabled(id: $id, disabled: $disabled) {\n      ...UserFields\n    }\n  }\n": types.SetDisabledDocument,
    "\n  mutation ResetPassword($id: ID!) {\n    resetUserPassword(id: $id)\n  }\n": types.ResetPasswordDocument,
    "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n": types.ApiKeysDocument,
    "\n  mutation CreateApiKey($name: String!) {\n    createApiKey(name: $name) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n": types.CreateApiKeyDocument,
    "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n": types.RevokeApiKeyDocument,
    "\n  query TestTimeline($testId: ID!) {\n    contentTestTimeline(testId: $testId) {\n      day\n      impressions\n      successes\n    }\n  }\n": types.TestTimelineDocument,
    "\n  query Spend($surface: String!, $days: Int, $granularity: Granularity) {\n    explorationSpend(surface: $surface, days: $days, granularity: $granularity) {\n      bucket\n      servedSlots\n      testSlots\n      randomSlots\n      share\n      budget\n    }\n  }\n": types.SpendDocument,
    "\n  query SurfaceSuccess($surface: String!, $days: Int) {\n    surfaceSuccess(surface: $surface, days: $days) {\n      day\n      policyVersion\n      impressions\n      successes\n      rate\n      lower\n      upper\n    }\n  }\n": types.SurfaceSuccessDocument,
    "\n  fragment OpeRunFields on OpeRun {\n    id\n    surfaceKey\n    target\n    modelId\n    config\n    label\n    status\n    progress\n    windowFrom\n    windowTo\n    estimates\n    error\n    createdAt\n    finishedAt\n  }\n": types.OpeRunFieldsFragmentDoc,
    "\n  query OpeRuns($surface: String) {\n    opeRuns(surface: $surface) {\n      ...OpeRunFields\n    }\n  }\n": types.OpeRunsDocument,
    "\n  mutation EvaluatePolicy($surface: String!, $target: OpeTarget!, $modelId: ID, $config: JSON, $days: Int) {\n    evaluatePolicy(surface: $surface, target: $target, modelId: $modelId, config: $config, days: $days) {\n      ...OpeRunFields\n    }\n  }\n": types.EvaluatePolicyDocument,
    "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    surfaceKey\n    version\n    status\n    progress\n    progressMessage\n    dataFrom\n    dataTo\n    rows\n    metrics\n    trainingMs\n    gate\n    canaryShare\n    canaryStats\n    canaryStartedAt\n    statusReason\n    decidedAt\n    createdAt\n  }\n": types.ModelVersionFieldsFragmentDoc,
    "\n  query ModelVersions($surface: String) {\n    modelVersions(surface: $surface) {\n      ...ModelVersionFields\n    }\n  }\n": types.ModelVersionsDocument,
    "\n  mutation TrainModel($surface: String!, $days: Int, $epochs: Int) {\n    trainModel(surface: $surface, days: $days, epochs: $epochs) {\n      ...ModelVersionFields\n    }\n  }\n": types.TrainModelDocument,
    "\n  mutation StartCanary($id: ID!, $share: Float) {\n    startCanary(id: $id, share: $share) {\n      ...ModelVersionFields\n    }\n  }\n": types.StartCanaryDocument,
    "\n  mutation PromoteModel($id: ID!) {\n    promoteModel(id: $id) {\n      ...ModelVersionFields\n    }\n  }\n": types.PromoteModelDocument,
    "\n  mutation RollbackModel($id: ID!) {\n    rollbackModel(id: $id) {\n      ...ModelVersionFields\n    }\n  }\n": types.RollbackModelDocument,
    "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    at\n    actorId\n    actorLabel\n    action\n    entityType\n    entityId\n    before\n    after\n    requestId\n    summary\n  }\n": types.AuditEntryFieldsFragmentDoc,
    "\n  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEntryFields\n        }\n      }\n    }\n  }\n": types.AuditLogDocument,
    "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n": types.MeDocument,
    "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      user {\n        ...UserFields\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n": types.ChangePasswordDocument,
    "\n  fragment ItemSummaryFields on Item {\n    id\n    slug\n    kind\n    state\n    title\n    defaultLocale\n    locales\n    completeLocales\n    topics\n    updatedAt\n    latestVersionNumber\n    liveVersion {\n      number\n    }\n  }\n": types.ItemSummaryFieldsFragmentDoc,
    "\n  fragment AssetFields on AssetStatusGql {\n    role\n    url\n    status\n    httpStatus\n    error\n    checkedAt\n  }\n": types.AssetFieldsFragmentDoc,
    "\n  fragment ItemVersionFields on ItemVersion {\n    id\n    number\n    createdAt\n    note\n    restoredFrom\n    author {\n      id\n      displayName\n      email\n    }\n  }\n": types.ItemVersionFieldsFragmentDoc,
    "\n  fragment ItemFieldsFields on ItemFieldsGql {\n    slug\n    kind\n    defaultLocale\n    locales\n    localized {\n      locale\n      title\n      subtitle\n      description\n    }\n    durationSeconds\n    media {\n      audioUrl\n      videoUrl\n      artworkUrl\n    }\n    topics\n    collections\n    availability\n    platforms\n    minAppVersion\n    attributes\n    sessions\n  }\n": types.ItemFieldsFieldsFragmentDoc,
    "\n  fragment ItemDetailFields on Item {\n    ...ItemSummaryFields\n    createdAt\n    latestVersion {\n      ...ItemVersionFields\n      fields {\n        ...ItemFieldsFields\n      }\n    }\n    completeness {\n      locale\n      complete\n      missing\n    }\n    readiness {\n      field\n      locale\n      message\n    }\n    assets {\n      ...AssetFields\n    }\n  }\n": types.ItemDetailFieldsFragmentDoc,
    "\n  query Kinds {\n    contentKinds {\n      key\n      label\n      description\n      duration\n      hasSessions\n      localized {\n        title\n        subtitle\n        description\n      }\n      media {\n        audio\n        video\n        artwork\n        playable\n      }\n      attributes {\n        key\n        label\n        required\n        type\n      }\n    }\n  }\n": types.KindsDocument,
    "\n  query Items($filter: ItemFilterInput, $sort: ItemSort, $first: Int, $after: String) {\n    items(filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": types.ItemsDocument,
    "\n  query Item($id: ID!) {\n    item(id: $id) {\n      ...ItemDetailFields\n    }\n  }\n": types.ItemDocument,
    "\n  query Sessions($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": types.SessionsDocument,
    "\n  mutation CreateItem($input: ItemInput!) {\n    createItem(input: $input) {\n      ...ItemDetailFields\n    }\n  }\n": types.CreateItemDocument,
    "\n  mutation UpdateItem($id: ID!, $input: ItemInput!, $baseVersion: Int) {\n    updateItem(id: $id, input: $input, baseVersion: $baseVersion) {\n      ...ItemDetailFields\n    }\n  }\n": types.UpdateItemDocument,
    "\n  query Versions($itemId: ID!) {\n    itemVersions(itemId: $itemId) {\n      ...ItemVersionFields\n    }\n  }\n": types.VersionsDocument,
    "\n  query Diff($itemId: ID!, $from: Int!, $to: Int!) {\n    versionDiff(itemId: $itemId, from: $from, to: $to) {\n      path\n      before\n      after\n    }\n  }\n": types.DiffDocument,
    "\n  mutation Restore($itemId: ID!, $number: Int!) {\n    restoreItemVersion(itemId: $itemId, number: $number) {\n      ...ItemDetailFields\n    }\n  }\n": types.RestoreDocument,
    "\n  mutation Recheck($itemId: ID!) {\n    recheckAssets(itemId: $itemId) {\n      ...AssetFields\n    }\n  }\n": types.RecheckDocument,
    "\n  query Assets($id: ID!) {\n    item(id: $id) {\n      assets {\n        ...AssetFields\n      }\n    }\n  }\n": types.AssetsDocument,
    "\n  fragment ImportJobFields on ImportJob {\n    id\n    filename\n    format\n    source\n    state\n    totalRows\n    processedRows\n    createdItems\n    updatedItems\n    unchangedItems\n    failedRows\n    failure\n    createdAt\n    finishedAt\n  }\n": types.ImportJobFieldsFragmentDoc,
    "\n  query ImportJob($id: ID!) {\n    importJob(id: $id) {\n      ...ImportJobFields\n      errors {\n        row\n        slug\n        problems {\n          field\n          message\n        }\n      }\n    }\n  }\n": types.ImportJobDocument,
    "\n  query ImportJobs($limit: Int) {\n    importJobs(limit: $limit) {\n      ...ImportJobFields\n    }\n  }\n": types.ImportJobsDocument,
    "\n  query ReviewQueue {\n    reviewQueue {\n      submittedAt\n      submittedBy\n      item {\n        ...ItemSummaryFields\n      }\n      version {\n        ...ItemVersionFields\n      }\n      changesFromLive {\n        path\n        before\n        after\n      }\n    }\n  }\n": types.ReviewQueueDocument,
    "\n  fragment ItemWorkflowFields on Item {\n    id\n    state\n    latestVersionNumber\n    liveVersion {\n      number\n    }\n    approvedVersion {\n      number\n    }\n    reviews {\n      actorId\n      at\n      comment\n      decision\n      versionNumber\n    }\n    releases {\n      id\n      name\n      state\n      scheduledAt\n      launchedAt\n      timeZone\n    }\n  }\n": types.ItemWorkflowFieldsFragmentDoc,
    "\n  query ItemWorkflow($id: ID!) {\n    item(id: $id) {\n      ...ItemWorkflowFields\n    }\n  }\n": types.ItemWorkflowDocument,
    "\n  mutation Submit($itemId: ID!, $versionNumber: Int) {\n    submitForReview(itemId: $itemId, versionNumber: $versionNumber) {\n      ...ItemWorkflowFields\n    }\n  }\n": types.SubmitDocument,
    "\n  mutation Approve($itemId: ID!, $versionNumber: Int!, $comment: String) {\n    approveVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {\n      ...ItemWorkflowFields\n    }\n  }\n": types.ApproveDocument,
    "\n  mutation Reject($itemId: ID!, $versionNumber: Int!, $comment: String!) {\n    rejectVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {\n      ...ItemWorkflowFields\n    }\n  }\n": types.RejectDocument,
    "\n  fragment ReleaseBaseFields on Release {\n    id\n    name\n    description\n    state\n    scheduledAt\n    timeZone\n    localTime\n    launchedAt\n    failedAt\n    rolledBackAt\n    latenessMs\n    rolloutPercent\n    createdAt\n    updatedAt\n  }\n": types.ReleaseBaseFieldsFragmentDoc,
    "\n  fragment ReleaseSummaryFields on Release {\n    ...ReleaseBaseFields\n    actions {\n      id\n      kind\n      itemId\n      versionNumber\n      item {\n        id\n        title\n      }\n    }\n  }\n": types.ReleaseSummaryFieldsFragmentDoc,
    "\n  fragment ReleaseDetailFields on Release {\n    ...ReleaseBaseFields\n    scheduleRevision\n    audience {\n      locales\n      platforms\n      tiers\n    }\n    failureReasons {\n      code\n      itemId\n      message\n    }\n    rollbackBlockers\n    actions {\n      id\n      kind\n      itemId\n      versionNumber\n      appliedOrder\n      priorLiveVersionId\n      item {\n        id\n        title\n        slug\n        kind\n        state\n        latestVersionNumber\n        liveVersion {\n          id\n          number\n        }\n      }\n    }\n    events {\n      at\n      kind\n      message\n      details\n    }\n  }\n": types.ReleaseDetailFieldsFragmentDoc,
    "\n  fragment ValidationFields on ReleaseValidation {\n    ok\n    blocking {\n      code\n      itemId\n      message\n    }\n    warnings {\n      code\n      itemId\n      message\n    }\n  }\n": types.ValidationFieldsFragmentDoc,
    "\n  query Releases($states: [ReleaseState!], $from: DateTime, $to: DateTime) {\n    releases(states: $states, from: $from, to: $to) {\n      ...ReleaseSummaryFields\n    }\n  }\n": types.ReleasesDocument,
    "\n  query FailedReleases {\n    releases(states: [FAILED]) {\n      id\n      name\n      failedAt\n    }\n  }\n": types.FailedReleasesDocument,
    "\n  query Release($id: ID!) {\n    release(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.ReleaseDocument,
    "\n  query ReleaseValidation($id: ID!) {\n    releaseValidation(id: $id) {\n      ...ValidationFields\n    }\n  }\n": types.ReleaseValidationDocument,
    "\n  mutation CreateRelease($input: ReleaseInput!) {\n    createRelease(input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.CreateReleaseDocument,
    "\n  mutation UpdateRelease($id: ID!, $input: ReleaseUpdate!) {\n    updateRelease(id: $id, input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.UpdateReleaseDocument,
    "\n  mutation AddToRelease($releaseId: ID!, $itemId: ID!, $action: ReleaseActionKind!, $versionNumber: Int) {\n    addToRelease(releaseId: $releaseId, itemId: $itemId, action: $action, versionNumber: $versionNumber) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.AddToReleaseDocument,
    "\n  mutation RemoveFromRelease($releaseId: ID!, $itemId: ID!) {\n    removeFromRelease(releaseId: $releaseId, itemId: $itemId) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.RemoveFromReleaseDocument,
    "\n  mutation ScheduleRelease($id: ID!, $input: ScheduleInputGql!) {\n    scheduleRelease(id: $id, input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.ScheduleReleaseDocument,
    "\n  mutation UnscheduleRelease($id: ID!) {\n    unscheduleRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.UnscheduleReleaseDocument,
    "\n  mutation LaunchNow($id: ID!) {\n    launchReleaseNow(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.LaunchNowDocument,
    "\n  mutation SetRollout($id: ID!, $percent: Int!, $audience: AudienceInput) {\n    setReleaseRollout(id: $id, percent: $percent, audience: $audience) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.SetRolloutDocument,
    "\n  mutation CancelRelease($id: ID!) {\n    cancelRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.CancelReleaseDocument,
    "\n  mutation RollbackRelease($id: ID!) {\n    rollbackRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n": types.RollbackReleaseDocument,
    "\n  query VersionNumbers($itemId: ID!) {\n    itemVersions(itemId: $itemId) {\n      id\n      number\n    }\n  }\n": types.VersionNumbersDocument,
    "\n  fragment PickableItemFields on Item {\n    ...ItemSummaryFields\n    approvedVersion {\n      number\n    }\n    reviews {\n      versionNumber\n      decision\n      at\n    }\n  }\n": types.PickableItemFieldsFragmentDoc,
    "\n  query PickItems($filter: ItemFilterInput) {\n    items(filter: $filter, first: 8, sort: UPDATED_DESC) {\n      edges {\n        node {\n          ...PickableItemFields\n        }\n      }\n    }\n  }\n": types.PickItemsDocument,
    "\n  query TimeZones {\n    timeZones\n  }\n": types.TimeZonesDocument,
    "\n  query Resolve($localDateTime: String!, $timeZone: String!) {\n    resolveScheduleTime(localDateTime: $localDateTime, timeZone: $timeZone) {\n      kind\n      instant\n      message\n      options {\n        offsetMinutes\n        instant\n        label\n      }\n    }\n  }\n": types.ResolveDocument,
    "\n  query SchedulerHealth {\n    schedulerHealth {\n      upcoming {\n        ...ReleaseSummaryFields\n      }\n      late {\n        ...ReleaseSummaryFields\n      }\n      failed {\n        ...ReleaseSummaryFields\n        failureReasons {\n          code\n          itemId\n          message\n        }\n      }\n      recentLaunches {\n        ...ReleaseSummaryFields\n      }\n      latenessP50Ms\n      latenessP95Ms\n      latenessMaxMs\n      lastReconcileAt\n      reconcilerHealthy\n      learning {\n        healthy\n        learnIntervalMs\n        labelWindowSeconds\n        passes {\n          pass\n          eventsWaiting\n          eventsWaitingCapped\n          lastFoldAt\n          oldestWaitingSeconds\n        }\n        models {\n          surface\n          updatedAt\n          ageSeconds\n          tasteModel {\n            version\n            fittedAt\n            events\n            gain\n            historyWeight\n          }\n        }\n      }\n    }\n  }\n": types.SchedulerHealthDocument,
    "\n  query ItemReleases($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          id\n          title\n          releases {\n            id\n            name\n            state\n            launchedAt\n          }\n        }\n      }\n    }\n  }\n": types.ItemReleasesDocument,
    "\n  fragment SurfacePinFields on SurfacePin {\n    id\n    itemId\n    position\n    startsAt\n    endsAt\n  }\n": types.SurfacePinFieldsFragmentDoc,
    "\n  fragment SurfaceFields on Surface {\n    id\n    key\n    name\n    description\n    slots\n    candidateRule {\n      kinds\n      topics\n      collections\n    }\n    successEvent\n    explorationBudget\n    randomFloor\n    testQuota\n    testMaxDays\n    testMaxPosition\n    diversity {\n      maxPerKind\n      maxPerTopic\n      firstN\n    }\n    fallbackOrder\n    enabled\n    updatedAt\n    pins {\n      ...SurfacePinFields\n    }\n  }\n": types.SurfaceFieldsFragmentDoc,
    "\n  query Surfaces {\n    surfaces {\n      ...SurfaceFields\n    }\n  }\n": types.SurfacesDocument,
    "\n  query Surface($key: String!) {\n    surface(key: $key) {\n      ...SurfaceFields\n    }\n  }\n": types.SurfaceDocument,
    "\n  mutation CreateSurface($key: String!, $name: String!, $slots: Int!, $input: SurfaceInputGql) {\n    createSurface(key: $key, name: $name, slots: $slots, input: $input) {\n      ...SurfaceFields\n    }\n  }\n": types.CreateSurfaceDocument,
    "\n  mutation UpdateSurface($key: String!, $input: SurfaceInputGql!) {\n    updateSurface(key: $key, input: $input) {\n      ...SurfaceFields\n    }\n  }\n": types.UpdateSurfaceDocument,
    "\n  mutation SetFallback($key: String!, $itemIds: [ID!]!) {\n    setSurfaceFallback(key: $key, itemIds: $itemIds) {\n      ...SurfaceFields\n    }\n  }\n": types.SetFallbackDocument,
    "\n  mutation PinItem($key: String!, $input: PinInput!) {\n    pinItem(key: $key, input: $input) {\n      ...SurfacePinFields\n    }\n  }\n": types.PinItemDocument,
    "\n  mutation UnpinItem($pinId: ID!) {\n    unpinItem(pinId: $pinId)\n  }\n": types.UnpinItemDocument,
    "\n  query ItemsById($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": types.ItemsByIdDocument,
    "\n  query PlaceableItems($filter: ItemFilterInput) {\n    items(filter: $filter, first: 8, sort: UPDATED_DESC) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n": types.PlaceableItemsDocument,
    "\n  query FeedPreview($surface: String!, $persona: PreviewPersonaInput!, $instant: DateTime, $seed: Int) {\n    feedPreview(surface: $surface, persona: $persona, instant: $instant, seed: $seed) {\n      surface\n      instant\n      policyVersion\n      stateRevision\n      candidates\n      eligible\n      seed\n      entries {\n        position\n        reason\n        propensity\n        propensityError\n        itemId\n        slug\n        kind\n        title\n        source\n        inContentTest\n      }\n      personEvents\n      nearestTitles {\n        itemId\n        slug\n        title\n        affinity\n        inSlate\n      }\n    }\n  }\n": types.FeedPreviewDocument,
    "\n  fragment ContentTestFields on ContentTest {\n    id\n    surfaceKey\n    itemId\n    item {\n      title\n      slug\n      kind\n    }\n    status\n    quota\n    maxDays\n    startedAt\n    endsBy\n    impressions\n    exposure\n    successes\n    probBeatsControl\n    rate {\n      mean\n      lower\n      upper\n    }\n    controlRate {\n      mean\n      lower\n      upper\n    }\n    decisionReason\n    decidedAt\n    rule\n    queuePosition\n    evidence {\n      estimate\n      lower\n      upper\n      alwaysValidP\n      controlImpressions\n      controlExposure\n      controlSuccesses\n    }\n  }\n": types.ContentTestFieldsFragmentDoc,
    "\n  query ContentTests($surface: String, $status: ContentTestStatus) {\n    contentTests(surface: $surface, status: $status) {\n      ...ContentTestFields\n    }\n  }\n": types.ContentTestsDocument,
    "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    description\n    events\n    enabled\n    createdAt\n  }\n": types.WebhookEndpointFieldsFragmentDoc,
    "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    endpointId\n    eventId\n    eventType\n    payload\n    status\n    attempts\n    attemptLog {\n      at\n      statusCode\n      error\n      durationMs\n    }\n    lastStatusCode\n    lastError\n    deliveredAt\n    createdAt\n  }\n": types.WebhookDeliveryFieldsFragmentDoc,
    "\n  query WebhookEndpoints {\n    webhookEndpoints {\n      ...WebhookEndpointFields\n    }\n  }\n": types.WebhookEndpointsDocument,
    "\n  query WebhookEventTypes {\n    webhookEventTypes\n  }\n": types.WebhookEventTypesDocument,
    "\n  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      secret\n      endpoint {\n        ...WebhookEndpointFields\n      }\n    }\n  }\n": types.CreateWebhookEndpointDocument,
    "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointUpdate!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      ...WebhookEndpointFields\n    }\n  }\n": types.UpdateWebhookEndpointDocument,
    "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n": types.DeleteWebhookEndpointDocument,
    "\n  query WebhookDeliveries($endpointId: ID, $limit: Int) {\n    webhookDeliveries(endpointId: $endpointId, limit: $limit) {\n      ...WebhookDeliveryFields\n    }\n  }\n": types.WebhookDeliveriesDocument,
    "\n  mutation RedeliverWebhook($id: ID!) {\n    redeliverWebhook(id: $id) {\n      ...WebhookDeliveryFields\n    }\n  }\n": types.RedeliverWebhookDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment UserFields on User {\n    id\n    email\n    displayName\n    role\n    createdAt\n    lastLoginAt\n    disabledAt\n  }\n"): typeof import('./graphql').UserFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ApiKeyFields on ApiKey {\n    id\n    name\n    prefix\n    createdAt\n    lastUsedAt\n    revokedAt\n  }\n"): typeof import('./graphql').ApiKeyFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Users {\n    users {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').UsersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateUser($input: CreateUserInput!) {\n    createUser(input: $input) {\n      temporaryPassword\n      user {\n        ...UserFields\n      }\n    }\n  }\n"): typeof import('./graphql').CreateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateUser($id: ID!, $input: UpdateUserInput!) {\n    updateUser(id: $id, input: $input) {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').UpdateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetDisabled($id: ID!, $disabled: Boolean!) {\n    setUserDisabled(id: $id, disabled: $disabled) {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').SetDisabledDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResetPassword($id: ID!) {\n    resetUserPassword(id: $id)\n  }\n"): typeof import('./graphql').ResetPasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiKeys {\n    apiKeys {\n      ...ApiKeyFields\n    }\n  }\n"): typeof import('./graphql').ApiKeysDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateApiKey($name: String!) {\n    createApiKey(name: $name) {\n      secret\n      apiKey {\n        ...ApiKeyFields\n      }\n    }\n  }\n"): typeof import('./graphql').CreateApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RevokeApiKey($id: ID!) {\n    revokeApiKey(id: $id) {\n      ...ApiKeyFields\n    }\n  }\n"): typeof import('./graphql').RevokeApiKeyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TestTimeline($testId: ID!) {\n    contentTestTimeline(testId: $testId) {\n      day\n      impressions\n      successes\n    }\n  }\n"): typeof import('./graphql').TestTimelineDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Spend($surface: String!, $days: Int, $granularity: Granularity) {\n    explorationSpend(surface: $surface, days: $days, granularity: $granularity) {\n      bucket\n      servedSlots\n      testSlots\n      randomSlots\n      share\n      budget\n    }\n  }\n"): typeof import('./graphql').SpendDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SurfaceSuccess($surface: String!, $days: Int) {\n    surfaceSuccess(surface: $surface, days: $days) {\n      day\n      policyVersion\n      impressions\n      successes\n      rate\n      lower\n      upper\n    }\n  }\n"): typeof import('./graphql').SurfaceSuccessDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment OpeRunFields on OpeRun {\n    id\n    surfaceKey\n    target\n    modelId\n    config\n    label\n    status\n    progress\n    windowFrom\n    windowTo\n    estimates\n    error\n    createdAt\n    finishedAt\n  }\n"): typeof import('./graphql').OpeRunFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpeRuns($surface: String) {\n    opeRuns(surface: $surface) {\n      ...OpeRunFields\n    }\n  }\n"): typeof import('./graphql').OpeRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EvaluatePolicy($surface: String!, $target: OpeTarget!, $modelId: ID, $config: JSON, $days: Int) {\n    evaluatePolicy(surface: $surface, target: $target, modelId: $modelId, config: $config, days: $days) {\n      ...OpeRunFields\n    }\n  }\n"): typeof import('./graphql').EvaluatePolicyDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ModelVersionFields on ModelVersion {\n    id\n    surfaceKey\n    version\n    status\n    progress\n    progressMessage\n    dataFrom\n    dataTo\n    rows\n    metrics\n    trainingMs\n    gate\n    canaryShare\n    canaryStats\n    canaryStartedAt\n    statusReason\n    decidedAt\n    createdAt\n  }\n"): typeof import('./graphql').ModelVersionFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ModelVersions($surface: String) {\n    modelVersions(surface: $surface) {\n      ...ModelVersionFields\n    }\n  }\n"): typeof import('./graphql').ModelVersionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation TrainModel($surface: String!, $days: Int, $epochs: Int) {\n    trainModel(surface: $surface, days: $days, epochs: $epochs) {\n      ...ModelVersionFields\n    }\n  }\n"): typeof import('./graphql').TrainModelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartCanary($id: ID!, $share: Float) {\n    startCanary(id: $id, share: $share) {\n      ...ModelVersionFields\n    }\n  }\n"): typeof import('./graphql').StartCanaryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PromoteModel($id: ID!) {\n    promoteModel(id: $id) {\n      ...ModelVersionFields\n    }\n  }\n"): typeof import('./graphql').PromoteModelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackModel($id: ID!) {\n    rollbackModel(id: $id) {\n      ...ModelVersionFields\n    }\n  }\n"): typeof import('./graphql').RollbackModelDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AuditEntryFields on AuditEntry {\n    id\n    at\n    actorId\n    actorLabel\n    action\n    entityType\n    entityId\n    before\n    after\n    requestId\n    summary\n  }\n"): typeof import('./graphql').AuditEntryFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {\n    auditLog(filter: $filter, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          ...AuditEntryFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').AuditLogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      ...UserFields\n    }\n  }\n"): typeof import('./graphql').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($email: String!, $password: String!) {\n    login(email: $email, password: $password) {\n      user {\n        ...UserFields\n      }\n    }\n  }\n"): typeof import('./graphql').LoginDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): typeof import('./graphql').LogoutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ChangePassword($currentPassword: String!, $newPassword: String!) {\n    changePassword(currentPassword: $currentPassword, newPassword: $newPassword)\n  }\n"): typeof import('./graphql').ChangePasswordDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ItemSummaryFields on Item {\n    id\n    slug\n    kind\n    state\n    title\n    defaultLocale\n    locales\n    completeLocales\n    topics\n    updatedAt\n    latestVersionNumber\n    liveVersion {\n      number\n    }\n  }\n"): typeof import('./graphql').ItemSummaryFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AssetFields on AssetStatusGql {\n    role\n    url\n    status\n    httpStatus\n    error\n    checkedAt\n  }\n"): typeof import('./graphql').AssetFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ItemVersionFields on ItemVersion {\n    id\n    number\n    createdAt\n    note\n    restoredFrom\n    author {\n      id\n      displayName\n      email\n    }\n  }\n"): typeof import('./graphql').ItemVersionFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ItemFieldsFields on ItemFieldsGql {\n    slug\n    kind\n    defaultLocale\n    locales\n    localized {\n      locale\n      title\n      subtitle\n      description\n    }\n    durationSeconds\n    media {\n      audioUrl\n      videoUrl\n      artworkUrl\n    }\n    topics\n    collections\n    availability\n    platforms\n    minAppVersion\n    attributes\n    sessions\n  }\n"): typeof import('./graphql').ItemFieldsFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ItemDetailFields on Item {\n    ...ItemSummaryFields\n    createdAt\n    latestVersion {\n      ...ItemVersionFields\n      fields {\n        ...ItemFieldsFields\n      }\n    }\n    completeness {\n      locale\n      complete\n      missing\n    }\n    readiness {\n      field\n      locale\n      message\n    }\n    assets {\n      ...AssetFields\n    }\n  }\n"): typeof import('./graphql').ItemDetailFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Kinds {\n    contentKinds {\n      key\n      label\n      description\n      duration\n      hasSessions\n      localized {\n        title\n        subtitle\n        description\n      }\n      media {\n        audio\n        video\n        artwork\n        playable\n      }\n      attributes {\n        key\n        label\n        required\n        type\n      }\n    }\n  }\n"): typeof import('./graphql').KindsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Items($filter: ItemFilterInput, $sort: ItemSort, $first: Int, $after: String) {\n    items(filter: $filter, sort: $sort, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        endCursor\n        hasNextPage\n      }\n      edges {\n        cursor\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ItemsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Item($id: ID!) {\n    item(id: $id) {\n      ...ItemDetailFields\n    }\n  }\n"): typeof import('./graphql').ItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sessions($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').SessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateItem($input: ItemInput!) {\n    createItem(input: $input) {\n      ...ItemDetailFields\n    }\n  }\n"): typeof import('./graphql').CreateItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateItem($id: ID!, $input: ItemInput!, $baseVersion: Int) {\n    updateItem(id: $id, input: $input, baseVersion: $baseVersion) {\n      ...ItemDetailFields\n    }\n  }\n"): typeof import('./graphql').UpdateItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Versions($itemId: ID!) {\n    itemVersions(itemId: $itemId) {\n      ...ItemVersionFields\n    }\n  }\n"): typeof import('./graphql').VersionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Diff($itemId: ID!, $from: Int!, $to: Int!) {\n    versionDiff(itemId: $itemId, from: $from, to: $to) {\n      path\n      before\n      after\n    }\n  }\n"): typeof import('./graphql').DiffDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Restore($itemId: ID!, $number: Int!) {\n    restoreItemVersion(itemId: $itemId, number: $number) {\n      ...ItemDetailFields\n    }\n  }\n"): typeof import('./graphql').RestoreDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Recheck($itemId: ID!) {\n    recheckAssets(itemId: $itemId) {\n      ...AssetFields\n    }\n  }\n"): typeof import('./graphql').RecheckDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Assets($id: ID!) {\n    item(id: $id) {\n      assets {\n        ...AssetFields\n      }\n    }\n  }\n"): typeof import('./graphql').AssetsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ImportJobFields on ImportJob {\n    id\n    filename\n    format\n    source\n    state\n    totalRows\n    processedRows\n    createdItems\n    updatedItems\n    unchangedItems\n    failedRows\n    failure\n    createdAt\n    finishedAt\n  }\n"): typeof import('./graphql').ImportJobFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportJob($id: ID!) {\n    importJob(id: $id) {\n      ...ImportJobFields\n      errors {\n        row\n        slug\n        problems {\n          field\n          message\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ImportJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ImportJobs($limit: Int) {\n    importJobs(limit: $limit) {\n      ...ImportJobFields\n    }\n  }\n"): typeof import('./graphql').ImportJobsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReviewQueue {\n    reviewQueue {\n      submittedAt\n      submittedBy\n      item {\n        ...ItemSummaryFields\n      }\n      version {\n        ...ItemVersionFields\n      }\n      changesFromLive {\n        path\n        before\n        after\n      }\n    }\n  }\n"): typeof import('./graphql').ReviewQueueDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ItemWorkflowFields on Item {\n    id\n    state\n    latestVersionNumber\n    liveVersion {\n      number\n    }\n    approvedVersion {\n      number\n    }\n    reviews {\n      actorId\n      at\n      comment\n      decision\n      versionNumber\n    }\n    releases {\n      id\n      name\n      state\n      scheduledAt\n      launchedAt\n      timeZone\n    }\n  }\n"): typeof import('./graphql').ItemWorkflowFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ItemWorkflow($id: ID!) {\n    item(id: $id) {\n      ...ItemWorkflowFields\n    }\n  }\n"): typeof import('./graphql').ItemWorkflowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Submit($itemId: ID!, $versionNumber: Int) {\n    submitForReview(itemId: $itemId, versionNumber: $versionNumber) {\n      ...ItemWorkflowFields\n    }\n  }\n"): typeof import('./graphql').SubmitDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Approve($itemId: ID!, $versionNumber: Int!, $comment: String) {\n    approveVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {\n      ...ItemWorkflowFields\n    }\n  }\n"): typeof import('./graphql').ApproveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Reject($itemId: ID!, $versionNumber: Int!, $comment: String!) {\n    rejectVersion(itemId: $itemId, versionNumber: $versionNumber, comment: $comment) {\n      ...ItemWorkflowFields\n    }\n  }\n"): typeof import('./graphql').RejectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ReleaseBaseFields on Release {\n    id\n    name\n    description\n    state\n    scheduledAt\n    timeZone\n    localTime\n    launchedAt\n    failedAt\n    rolledBackAt\n    latenessMs\n    rolloutPercent\n    createdAt\n    updatedAt\n  }\n"): typeof import('./graphql').ReleaseBaseFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ReleaseSummaryFields on Release {\n    ...ReleaseBaseFields\n    actions {\n      id\n      kind\n      itemId\n      versionNumber\n      item {\n        id\n        title\n      }\n    }\n  }\n"): typeof import('./graphql').ReleaseSummaryFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ReleaseDetailFields on Release {\n    ...ReleaseBaseFields\n    scheduleRevision\n    audience {\n      locales\n      platforms\n      tiers\n    }\n    failureReasons {\n      code\n      itemId\n      message\n    }\n    rollbackBlockers\n    actions {\n      id\n      kind\n      itemId\n      versionNumber\n      appliedOrder\n      priorLiveVersionId\n      item {\n        id\n        title\n        slug\n        kind\n        state\n        latestVersionNumber\n        liveVersion {\n          id\n          number\n        }\n      }\n    }\n    events {\n      at\n      kind\n      message\n      details\n    }\n  }\n"): typeof import('./graphql').ReleaseDetailFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ValidationFields on ReleaseValidation {\n    ok\n    blocking {\n      code\n      itemId\n      message\n    }\n    warnings {\n      code\n      itemId\n      message\n    }\n  }\n"): typeof import('./graphql').ValidationFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Releases($states: [ReleaseState!], $from: DateTime, $to: DateTime) {\n    releases(states: $states, from: $from, to: $to) {\n      ...ReleaseSummaryFields\n    }\n  }\n"): typeof import('./graphql').ReleasesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FailedReleases {\n    releases(states: [FAILED]) {\n      id\n      name\n      failedAt\n    }\n  }\n"): typeof import('./graphql').FailedReleasesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Release($id: ID!) {\n    release(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').ReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReleaseValidation($id: ID!) {\n    releaseValidation(id: $id) {\n      ...ValidationFields\n    }\n  }\n"): typeof import('./graphql').ReleaseValidationDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateRelease($input: ReleaseInput!) {\n    createRelease(input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').CreateReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRelease($id: ID!, $input: ReleaseUpdate!) {\n    updateRelease(id: $id, input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').UpdateReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddToRelease($releaseId: ID!, $itemId: ID!, $action: ReleaseActionKind!, $versionNumber: Int) {\n    addToRelease(releaseId: $releaseId, itemId: $itemId, action: $action, versionNumber: $versionNumber) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').AddToReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveFromRelease($releaseId: ID!, $itemId: ID!) {\n    removeFromRelease(releaseId: $releaseId, itemId: $itemId) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').RemoveFromReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ScheduleRelease($id: ID!, $input: ScheduleInputGql!) {\n    scheduleRelease(id: $id, input: $input) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').ScheduleReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnscheduleRelease($id: ID!) {\n    unscheduleRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').UnscheduleReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LaunchNow($id: ID!) {\n    launchReleaseNow(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').LaunchNowDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRollout($id: ID!, $percent: Int!, $audience: AudienceInput) {\n    setReleaseRollout(id: $id, percent: $percent, audience: $audience) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').SetRolloutDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRelease($id: ID!) {\n    cancelRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').CancelReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollbackRelease($id: ID!) {\n    rollbackRelease(id: $id) {\n      ...ReleaseDetailFields\n    }\n  }\n"): typeof import('./graphql').RollbackReleaseDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query VersionNumbers($itemId: ID!) {\n    itemVersions(itemId: $itemId) {\n      id\n      number\n    }\n  }\n"): typeof import('./graphql').VersionNumbersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PickableItemFields on Item {\n    ...ItemSummaryFields\n    approvedVersion {\n      number\n    }\n    reviews {\n      versionNumber\n      decision\n      at\n    }\n  }\n"): typeof import('./graphql').PickableItemFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PickItems($filter: ItemFilterInput) {\n    items(filter: $filter, first: 8, sort: UPDATED_DESC) {\n      edges {\n        node {\n          ...PickableItemFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').PickItemsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TimeZones {\n    timeZones\n  }\n"): typeof import('./graphql').TimeZonesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Resolve($localDateTime: String!, $timeZone: String!) {\n    resolveScheduleTime(localDateTime: $localDateTime, timeZone: $timeZone) {\n      kind\n      instant\n      message\n      options {\n        offsetMinutes\n        instant\n        label\n      }\n    }\n  }\n"): typeof import('./graphql').ResolveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SchedulerHealth {\n    schedulerHealth {\n      upcoming {\n        ...ReleaseSummaryFields\n      }\n      late {\n        ...ReleaseSummaryFields\n      }\n      failed {\n        ...ReleaseSummaryFields\n        failureReasons {\n          code\n          itemId\n          message\n        }\n      }\n      recentLaunches {\n        ...ReleaseSummaryFields\n      }\n      latenessP50Ms\n      latenessP95Ms\n      latenessMaxMs\n      lastReconcileAt\n      reconcilerHealthy\n      learning {\n        healthy\n        learnIntervalMs\n        labelWindowSeconds\n        passes {\n          pass\n          eventsWaiting\n          eventsWaitingCapped\n          lastFoldAt\n          oldestWaitingSeconds\n        }\n        models {\n          surface\n          updatedAt\n          ageSeconds\n          tasteModel {\n            version\n            fittedAt\n            events\n            gain\n            historyWeight\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').SchedulerHealthDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ItemReleases($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          id\n          title\n          releases {\n            id\n            name\n            state\n            launchedAt\n          }\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ItemReleasesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SurfacePinFields on SurfacePin {\n    id\n    itemId\n    position\n    startsAt\n    endsAt\n  }\n"): typeof import('./graphql').SurfacePinFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SurfaceFields on Surface {\n    id\n    key\n    name\n    description\n    slots\n    candidateRule {\n      kinds\n      topics\n      collections\n    }\n    successEvent\n    explorationBudget\n    randomFloor\n    testQuota\n    testMaxDays\n    testMaxPosition\n    diversity {\n      maxPerKind\n      maxPerTopic\n      firstN\n    }\n    fallbackOrder\n    enabled\n    updatedAt\n    pins {\n      ...SurfacePinFields\n    }\n  }\n"): typeof import('./graphql').SurfaceFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Surfaces {\n    surfaces {\n      ...SurfaceFields\n    }\n  }\n"): typeof import('./graphql').SurfacesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Surface($key: String!) {\n    surface(key: $key) {\n      ...SurfaceFields\n    }\n  }\n"): typeof import('./graphql').SurfaceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateSurface($key: String!, $name: String!, $slots: Int!, $input: SurfaceInputGql) {\n    createSurface(key: $key, name: $name, slots: $slots, input: $input) {\n      ...SurfaceFields\n    }\n  }\n"): typeof import('./graphql').CreateSurfaceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateSurface($key: String!, $input: SurfaceInputGql!) {\n    updateSurface(key: $key, input: $input) {\n      ...SurfaceFields\n    }\n  }\n"): typeof import('./graphql').UpdateSurfaceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetFallback($key: String!, $itemIds: [ID!]!) {\n    setSurfaceFallback(key: $key, itemIds: $itemIds) {\n      ...SurfaceFields\n    }\n  }\n"): typeof import('./graphql').SetFallbackDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation PinItem($key: String!, $input: PinInput!) {\n    pinItem(key: $key, input: $input) {\n      ...SurfacePinFields\n    }\n  }\n"): typeof import('./graphql').PinItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UnpinItem($pinId: ID!) {\n    unpinItem(pinId: $pinId)\n  }\n"): typeof import('./graphql').UnpinItemDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ItemsById($filter: ItemFilterInput, $first: Int) {\n    items(filter: $filter, first: $first) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').ItemsByIdDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PlaceableItems($filter: ItemFilterInput) {\n    items(filter: $filter, first: 8, sort: UPDATED_DESC) {\n      edges {\n        node {\n          ...ItemSummaryFields\n        }\n      }\n    }\n  }\n"): typeof import('./graphql').PlaceableItemsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FeedPreview($surface: String!, $persona: PreviewPersonaInput!, $instant: DateTime, $seed: Int) {\n    feedPreview(surface: $surface, persona: $persona, instant: $instant, seed: $seed) {\n      surface\n      instant\n      policyVersion\n      stateRevision\n      candidates\n      eligible\n      seed\n      entries {\n        position\n        reason\n        propensity\n        propensityError\n        itemId\n        slug\n        kind\n        title\n        source\n        inContentTest\n      }\n      personEvents\n      nearestTitles {\n        itemId\n        slug\n        title\n        affinity\n        inSlate\n      }\n    }\n  }\n"): typeof import('./graphql').FeedPreviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ContentTestFields on ContentTest {\n    id\n    surfaceKey\n    itemId\n    item {\n      title\n      slug\n      kind\n    }\n    status\n    quota\n    maxDays\n    startedAt\n    endsBy\n    impressions\n    exposure\n    successes\n    probBeatsControl\n    rate {\n      mean\n      lower\n      upper\n    }\n    controlRate {\n      mean\n      lower\n      upper\n    }\n    decisionReason\n    decidedAt\n    rule\n    queuePosition\n    evidence {\n      estimate\n      lower\n      upper\n      alwaysValidP\n      controlImpressions\n      controlExposure\n      controlSuccesses\n    }\n  }\n"): typeof import('./graphql').ContentTestFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ContentTests($surface: String, $status: ContentTestStatus) {\n    contentTests(surface: $surface, status: $status) {\n      ...ContentTestFields\n    }\n  }\n"): typeof import('./graphql').ContentTestsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookEndpointFields on WebhookEndpoint {\n    id\n    url\n    description\n    events\n    enabled\n    createdAt\n  }\n"): typeof import('./graphql').WebhookEndpointFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment WebhookDeliveryFields on WebhookDelivery {\n    id\n    endpointId\n    eventId\n    eventType\n    payload\n    status\n    attempts\n    attemptLog {\n      at\n      statusCode\n      error\n      durationMs\n    }\n    lastStatusCode\n    lastError\n    deliveredAt\n    createdAt\n  }\n"): typeof import('./graphql').WebhookDeliveryFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEndpoints {\n    webhookEndpoints {\n      ...WebhookEndpointFields\n    }\n  }\n"): typeof import('./graphql').WebhookEndpointsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEventTypes {\n    webhookEventTypes\n  }\n"): typeof import('./graphql').WebhookEventTypesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateWebhookEndpoint($input: WebhookEndpointInput!) {\n    createWebhookEndpoint(input: $input) {\n      secret\n      endpoint {\n        ...WebhookEndpointFields\n      }\n    }\n  }\n"): typeof import('./graphql').CreateWebhookEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateWebhookEndpoint($id: ID!, $input: WebhookEndpointUpdate!) {\n    updateWebhookEndpoint(id: $id, input: $input) {\n      ...WebhookEndpointFields\n    }\n  }\n"): typeof import('./graphql').UpdateWebhookEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteWebhookEndpoint($id: ID!) {\n    deleteWebhookEndpoint(id: $id)\n  }\n"): typeof import('./graphql').DeleteWebhookEndpointDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookDeliveries($endpointId: ID, $limit: Int) {\n    webhookDeliveries(endpointId: $endpointId, limit: $limit) {\n      ...WebhookDeliveryFields\n    }\n  }\n"): typeof import('./graphql').WebhookDeliveriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RedeliverWebhook($id: ID!) {\n    redeliverWebhook(id: $id) {\n      ...WebhookDeliveryFields\n    }\n  }\n"): typeof import('./graphql').RedeliverWebhookDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
