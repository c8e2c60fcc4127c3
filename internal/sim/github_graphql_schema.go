package sim

import (
	"sync"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// ghSDL is the subset of GitHub's GraphQL schema the simulator serves: names, types, nullability
// and arguments as in GitHub's public schema (docs.github.com/graphql), so that documents written
// for GitHub validate here and fields GitHub does not have are rejected. Connections carry only
// what a sync reads.
const ghSDL = `
"An ISO-8601 encoded UTC date string."
scalar DateTime
"An ISO-8601 encoded date string. Unlike the DateTime type, GitTimestamp is not converted in UTC."
scalar GitTimestamp
"A Git object ID."
scalar GitObjectID
"An RFC 3986, RFC 3987, and RFC 6570 (level 4) compliant URI string."
scalar URI

enum OrderDirection { ASC DESC }
enum PullRequestState { OPEN CLOSED MERGED }
enum IssueOrderField { CREATED_AT UPDATED_AT COMMENTS }
input IssueOrder { field: IssueOrderField! direction: OrderDirection! }
enum RefOrderField { TAG_COMMIT_DATE ALPHABETICAL }
input RefOrder { field: RefOrderField! direction: OrderDirection! }
enum RepositoryOrderField { CREATED_AT UPDATED_AT PUSHED_AT NAME STARGAZERS }
input RepositoryOrder { field: RepositoryOrderField! direction: OrderDirection! }

interface Node { id: ID! }
interface Actor {
  avatarUrl(size: Int): URI!
  login: String!
  resourcePath: URI!
  url: URI!
}
interface RepositoryOwner {
  avatarUrl(size: Int): URI!
  id: ID!
  login: String!
  repositories(first: Int, after: String, last: Int, before: String, orderBy: RepositoryOrder, isFork: Boolean): RepositoryConnection!
  resourcePath: URI!
  url: URI!
}
interface GitObject {
  abbreviatedOid: String!
  commitUrl: URI!
  id: ID!
  oid: GitObjectID!
  repository: Repository!
}

type Query {
  organization(login: String!): Organization
  rateLimit(dryRun: Boolean = false): RateLimit
  repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
  viewer: User!
}

type RateLimit {
  cost: Int!
  limit: Int!
  nodeCount: Int!
  remaining: Int!
  resetAt: DateTime!
  used: Int!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

type User implements Node & Actor & RepositoryOwner {
  avatarUrl(size: Int): URI!
  databaseId: Int
  email: String!
  id: ID!
  login: String!
  name: String
  repositories(first: Int, after: String, last: Int, before: String, orderBy: RepositoryOrder, isFork: Boolean): RepositoryConnection!
  resourcePath: URI!
  url: URI!
}

type Bot implements Node & Actor {
  avatarUrl(size: Int): URI!
  databaseId: Int
  id: ID!
  login: String!
  resourcePath: URI!
  url: URI!
}

type Organization implements Node & Actor & RepositoryOwner {
  avatarUrl(size: Int): URI!
  databaseId: Int
  id: ID!
  login: String!
  name: String
  repositories(first: Int, after: String, last: Int, before: String, orderBy: RepositoryOrder, isFork: Boolean): RepositoryConnection!
  resourcePath: URI!
  url: URI!
}

type Repository implements Node {
  createdAt: DateTime!
  databaseId: Int
  defaultBranchRef: Ref
  description: String
  id: ID!
  isArchived: Boolean!
  isFork: Boolean!
  isPrivate: Boolean!
  name: String!
  nameWithOwner: String!
  owner: RepositoryOwner!
  pullRequest(number: Int!): PullRequest
  pullRequests(first: Int, after: String, last: Int, before: String, states: [PullRequestState!], orderBy: IssueOrder, baseRefName: String, headRefName: String, labels: [String!]): PullRequestConnection!
  pushedAt: DateTime
  ref(qualifiedName: String!): Ref
  refs(first: Int, after: String, last: Int, before: String, refPrefix: String!, orderBy: RefOrder, direction: OrderDirection, query: String): RefConnection
  resourcePath: URI!
  updatedAt: DateTime!
  url: URI!
}

type PullRequestConnection {
  edges: [PullRequestEdge]
  nodes: [PullRequest]
  pageInfo: PageInfo!
  totalCount: Int!
}
type PullRequestEdge { cursor: String! node: PullRequest }

type PullRequest implements Node {
  additions: Int!
  author: Actor
  baseRefName: String!
  baseRefOid: GitObjectID!
  body: String!
  changedFiles: Int!
  closed: Boolean!
  closedAt: DateTime
  comments(first: Int, after: String, last: Int, before: String): IssueCommentConnection!
  commits(first: Int, after: String, last: Int, before: String): PullRequestCommitConnection!
  createdAt: DateTime!
  databaseId: Int
  deletions: Int!
  headRefName: String!
  headRefOid: GitObjectID!
  headRepository: Repository
  headRepositoryOwner: RepositoryOwner
  id: ID!
  isCrossRepository: Boolean!
  isDraft: Boolean!
  labels(first: Int, after: String, last: Int, before: String): LabelConnection
  locked: Boolean!
  mergeCommit: Commit
  merged: Boolean!
  mergedAt: DateTime
  mergedBy: Actor
  number: Int!
  permalink: URI!
  publishedAt: DateTime
  repository: Repository!
  resourcePath: URI!
  state: PullRequestState!
  title: String!
  updatedAt: DateTime!
  url: URI!
}

type IssueCommentConnection { totalCount: Int! }
type PullRequestCommitConnection { totalCount: Int! }
type LabelConnection {
  edges: [LabelEdge]
  nodes: [Label]
  pageInfo: PageInfo!
  totalCount: Int!
}
type LabelEdge { cursor: String! node: Label }
type Label implements Node {
  color: String!
  description: String
  id: ID!
  name: String!
}

type RefConnection {
  edges: [RefEdge]
  nodes: [Ref]
  pageInfo: PageInfo!
  totalCount: Int!
}
type RefEdge { cursor: String! node: Ref }
type Ref implements Node {
  id: ID!
  name: String!
  prefix: String!
  repository: Repository!
  target: GitObject
}

type Commit implements Node & GitObject {
  abbreviatedOid: String!
  additions: Int!
  author: GitActor
  authoredDate: DateTime!
  commitUrl: URI!
  committedDate: DateTime!
  committer: GitActor
  deletions: Int!
  id: ID!
  message: String!
  messageHeadline: String!
  oid: GitObjectID!
  repository: Repository!
  url: URI!
}

type Tag implements Node & GitObject {
  abbreviatedOid: String!
  commitUrl: URI!
  id: ID!
  message: String
  name: String!
  oid: GitObjectID!
  repository: Repository!
  tagger: GitActor
  target: GitObject!
}

type GitActor {
  date: GitTimestamp
  email: String
  name: String
  user: User
}

type RepositoryConnection {
  edges: [RepositoryEdge]
  nodes: [Repository]
  pageInfo: PageInfo!
  totalCount: Int!
}
type RepositoryEdge { cursor: String! node: Repository }
`

var ghSchema = sync.OnceValue(func() *ast.Schema {
	return gqlparser.MustLoadSchema(&ast.Source{Name: "github.graphql", Input: ghSDL, BuiltIn: false})
})
