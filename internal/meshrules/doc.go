// Package meshrules derives the mesh policy of the whole system, which
// service may call which route, from the route tables the services
// declare in their api packages (each route's mesh.Route.Callers).
//
// The MarbleRun manifest carries these rules, and a marble compares them
// with the tables compiled into its binary when it starts, so the
// manifest, the code and the running mesh cannot disagree. The mesh
// servers still enforce each route's callers themselves: this package
// only describes the policy and does not enforce it.
package meshrules
